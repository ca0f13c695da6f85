#ifndef TERN_CBERKELEYDB_H
#define TERN_CBERKELEYDB_H

/*
 * Access to Berkeley DB hash files as OpenSMTPD's table_db.c reads them and its makemap(8) writes them.
 *
 * OpenSMTPD opens `db:` tables through the Berkeley DB 1.85 API (`dbopen(path, O_RDONLY, 0600, DB_HASH,
 * NULL)`). On Debian that API lives in libdb-5.3.so as `__db185_open`. Build machines have no libdb
 * headers, so this shim declares the (stable) 1.85 ABI itself and loads the library with dlopen(3) on first
 * use: Tern builds everywhere and only `db:` tables need libdb at run time.
 */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An open database; opaque to Swift. */
typedef struct tern_db tern_db;

/* Results of tern_db_open. */
enum {
    TERN_DB_OK = 0,
    /* No libdb could be loaded, or it lacks __db185_open; tern_db_library_error() says why. */
    TERN_DB_NO_LIBRARY = 1,
    /* The library is there but dbopen failed; *error_number holds errno (0 if the library set none). */
    TERN_DB_OPEN_FAILED = 2,
};

/* Results of tern_db_next. */
enum {
    TERN_DB_RECORD = 0,
    TERN_DB_END = 1,
    TERN_DB_READ_FAILED = -1,
};

/*
 * Opens `path` read-only as a hash database. On TERN_DB_OK, *out_db must later be given to tern_db_close.
 * Thread-safe; the library is loaded once per process.
 */
int tern_db_open(const char *path, tern_db **out_db, int *error_number);

/*
 * Reads the first record on the first call and the next one after that. The pointers stay valid only until
 * the next call on the same database; copy the bytes at once. On TERN_DB_READ_FAILED *error_number holds errno.
 */
int tern_db_next(tern_db *db, const unsigned char **key, size_t *key_length,
                 const unsigned char **value, size_t *value_length, int *error_number);

/* Closes the database and frees the handle. */
void tern_db_close(tern_db *db);

/*
 * Writing, as makemap(8) does: `dbopen(path, O_TRUNC|O_RDWR, 0644, type, NULL)` on a file it created.
 * `type` is TERN_DB_TYPE_HASH or TERN_DB_TYPE_BTREE. Results as for tern_db_open.
 */
enum { TERN_DB_TYPE_BTREE = 0, TERN_DB_TYPE_HASH = 1 };
int tern_db_create(const char *path, int type, tern_db **out_db, int *error_number);

/* Opens `path` read-only with the given type (makemap -U -d btree). Results as for tern_db_open. */
int tern_db_open_type(const char *path, int type, tern_db **out_db, int *error_number);

/* Results of tern_db_get (the 1.85 get: 0 found, 1 absent, -1 error). */
enum { TERN_DB_FOUND = 0, TERN_DB_ABSENT = 1 };
int tern_db_get(tern_db *db, const unsigned char *key, size_t key_length, int *error_number);

/* Stores one record, replacing any with the same key; 0 or -1 with *error_number set. */
int tern_db_put(tern_db *db, const unsigned char *key, size_t key_length,
                const unsigned char *value, size_t value_length, int *error_number);

/* The database's file descriptor (for fchmod/fchown), or -1. */
int tern_db_fd(tern_db *db);

/* Closes the database, writing what is pending, and frees the handle; 0 or -1 with *error_number set. */
int tern_db_close_checked(tern_db *db, int *error_number);

/* Why the library could not be loaded (from dlerror), or NULL if it was loaded or never tried. */
const char *tern_db_library_error(void);

#ifdef __cplusplus
}
#endif

#endif
