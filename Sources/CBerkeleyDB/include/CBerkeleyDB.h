#ifndef TERN_CBERKELEYDB_H
#define TERN_CBERKELEYDB_H

/*
 * Read-only access to Berkeley DB hash files written by OpenSMTPD's makemap(8).
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

/* Why the library could not be loaded (from dlerror), or NULL if it was loaded or never tried. */
const char *tern_db_library_error(void);

#ifdef __cplusplus
}
#endif

#endif
