#include "CBerkeleyDB.h"
int tern_db_available(void) { return 0; }
