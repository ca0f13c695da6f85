#ifndef TERN_CBERKELEYDB_H
#define TERN_CBERKELEYDB_H
/* Placeholder: the table helper fills in the dlopen shim for libdb's 1.85 API. */
int tern_db_available(void);
#endif
