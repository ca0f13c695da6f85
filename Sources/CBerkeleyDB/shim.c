/*
 * dlopen shim for the Berkeley DB 1.85 API (see CBerkeleyDB.h for why it exists).
 *
 * The structures below restate the 1.85 ABI from db(3) / db_185.h: it has not changed since 4.4BSD, and
 * libdb 5.3 keeps it as its compatibility interface.
 */

#include "CBerkeleyDB.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* DBT: a key or a value. */
typedef struct {
    void *data;
    size_t size;
} db185_thang;

/* DBTYPE. */
typedef enum { DB185_BTREE = 0, DB185_HASH = 1, DB185_RECNO = 2 } db185_type;

/* Flags for seq(). */
#define DB185_R_FIRST 3
#define DB185_R_NEXT 7

/* DB: the handle dbopen returns, a table of methods. */
typedef struct db185 {
    db185_type type;
    int (*close)(struct db185 *);
    int (*del)(const struct db185 *, const db185_thang *, unsigned int);
    int (*get)(const struct db185 *, const db185_thang *, db185_thang *, unsigned int);
    int (*put)(const struct db185 *, db185_thang *, const db185_thang *, unsigned int);
    int (*seq)(const struct db185 *, db185_thang *, db185_thang *, unsigned int);
    int (*sync)(const struct db185 *, unsigned int);
    void *internal;
    int (*fd)(const struct db185 *);
} db185;

typedef db185 *(*db185_open_function)(const char *, int, int, db185_type, const void *);

struct tern_db {
    db185 *db;
    int started;
};

/* Sonames tried in order: Debian's runtime package, then development symlinks other systems ship. */
static const char *const library_names[] = {"libdb-5.3.so", "libdb-5.so", "libdb.so"};

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static db185_open_function open_function;
/* dlerror's text lives in a buffer the next dl call reuses, so the first failure is copied here. */
static char load_error[512];

static void remember_error(const char *message) {
    if (load_error[0] == '\0') snprintf(load_error, sizeof load_error, "%s", message ? message : "unknown error");
}

static void load_library(void) {
    for (size_t i = 0; i < sizeof library_names / sizeof library_names[0]; i++) {
        void *library = dlopen(library_names[i], RTLD_NOW | RTLD_LOCAL);
        if (library == NULL) {
            remember_error(dlerror());
            continue;
        }
        open_function = (db185_open_function)dlsym(library, "__db185_open");
        if (open_function != NULL) {
            load_error[0] = '\0';
            return;
        }
        remember_error(dlerror());
        dlclose(library);
    }
}

static int open_with(const char *path, int flags, int mode, db185_type type, tern_db **out_db,
                     int *error_number) {
    *out_db = NULL;
    *error_number = 0;
    pthread_once(&load_once, load_library);
    if (open_function == NULL) return TERN_DB_NO_LIBRARY;

    tern_db *handle = calloc(1, sizeof *handle);
    if (handle == NULL) {
        *error_number = errno;
        return TERN_DB_OPEN_FAILED;
    }
    errno = 0;
    handle->db = open_function(path, flags, mode, type, NULL);
    if (handle->db == NULL) {
        *error_number = errno;
        free(handle);
        return TERN_DB_OPEN_FAILED;
    }
    *out_db = handle;
    return TERN_DB_OK;
}

int tern_db_open(const char *path, tern_db **out_db, int *error_number) {
    /* The same call as OpenSMTPD's table_db.c. */
    return open_with(path, O_RDONLY, 0600, DB185_HASH, out_db, error_number);
}

static db185_type type_from(int type) { return type == TERN_DB_TYPE_BTREE ? DB185_BTREE : DB185_HASH; }

int tern_db_create(const char *path, int type, tern_db **out_db, int *error_number) {
    return open_with(path, O_TRUNC | O_RDWR, 0644, type_from(type), out_db, error_number);
}

int tern_db_open_type(const char *path, int type, tern_db **out_db, int *error_number) {
    /* makemap -U's call. */
    return open_with(path, O_RDONLY, 0644, type_from(type), out_db, error_number);
}

int tern_db_get(tern_db *db, const unsigned char *key, size_t key_length, int *error_number) {
    db185_thang k = {(void *)key, key_length}, v = {NULL, 0};
    errno = 0;
    int result = db->db->get(db->db, &k, &v, 0);
    *error_number = result < 0 ? errno : 0;
    return result;
}

int tern_db_put(tern_db *db, const unsigned char *key, size_t key_length,
                const unsigned char *value, size_t value_length, int *error_number) {
    db185_thang k = {(void *)key, key_length}, v = {(void *)value, value_length};
    errno = 0;
    int result = db->db->put(db->db, &k, &v, 0);
    *error_number = result < 0 ? errno : 0;
    return result < 0 ? -1 : 0;
}

int tern_db_fd(tern_db *db) { return db->db->fd != NULL ? db->db->fd(db->db) : -1; }

int tern_db_close_checked(tern_db *db, int *error_number) {
    errno = 0;
    int result = db->db->close(db->db);
    *error_number = result < 0 ? errno : 0;
    free(db);
    return result < 0 ? -1 : 0;
}

int tern_db_next(tern_db *db, const unsigned char **key, size_t *key_length,
                 const unsigned char **value, size_t *value_length, int *error_number) {
    db185_thang k = {NULL, 0}, v = {NULL, 0};
    *error_number = 0;
    errno = 0;
    int result = db->db->seq(db->db, &k, &v, db->started ? DB185_R_NEXT : DB185_R_FIRST);
    db->started = 1;
    if (result == 0) {
        *key = k.data;
        *key_length = k.data != NULL ? k.size : 0;
        *value = v.data;
        *value_length = v.data != NULL ? v.size : 0;
        return TERN_DB_RECORD;
    }
    if (result == 1) return TERN_DB_END;
    *error_number = errno;
    return TERN_DB_READ_FAILED;
}

void tern_db_close(tern_db *db) {
    if (db == NULL) return;
    if (db->db != NULL) db->db->close(db->db);
    free(db);
}

const char *tern_db_library_error(void) { return load_error[0] != '\0' ? load_error : NULL; }
