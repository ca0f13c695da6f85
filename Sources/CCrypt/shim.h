#include <crypt.h>
/* getspnam(3), for `auth` without a table: the system users' own hashes. */
#include <shadow.h>
