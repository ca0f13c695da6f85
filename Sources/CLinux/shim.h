// Linux system calls that Swift's Glibc module leaves out because glibc declares them only under _GNU_SOURCE.
#define _GNU_SOURCE
#include <unistd.h>

// Writes every dirty page and inode of the file system holding `fd` and waits for the disk (syncfs(2)): the
// queue's journal checkpoint makes all the queue files written since the last one durable in one call.
static inline int tern_syncfs(int fd) { return syncfs(fd); }
