/*
 * The least an SMTP server can do per message on this machine, as a yardstick for delivery.sh's one-session
 * figures: one thread serves one connection after another, answers every command at once (no rules, no
 * lookups, no logging), and before each 250 appends the message to a preallocated journal file and
 * fdatasyncs it, as Tern's commit does. With --deliver, a second thread then writes each message into a
 * maildir as Tern's delivery worker does (a file in tmp/, fsync, rename into new/, fsync of new/).
 *
 *   floor PORT DIR [--deliver]
 *
 * Not a mail server: it parses just enough of smtpload.c's sessions to answer them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_SIZE (64L << 20)
#define PENDING 4096

static const char *folder;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static char *pending[PENDING];
static size_t pendingLength[PENDING];
static unsigned long head, tail;

static void die(const char *what) { perror(what); exit(1); }

static void *deliver(void *unused) {
    (void)unused;
    char temporary[4096], final[4096], newFolder[4096];
    snprintf(newFolder, sizeof newFolder, "%s/new", folder);
    for (unsigned long serial = 1;; serial++) {
        pthread_mutex_lock(&lock);
        while (head == tail) pthread_cond_wait(&ready, &lock);
        char *message = pending[head % PENDING];
        size_t length = pendingLength[head % PENDING];
        head++;
        pthread_mutex_unlock(&lock);
        snprintf(temporary, sizeof temporary, "%s/tmp/%lu", folder, serial);
        snprintf(final, sizeof final, "%s/new/%lu", folder, serial);
        int fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0 || write(fd, message, length) != (ssize_t)length || fsync(fd) != 0) die("maildir file");
        close(fd);
        if (rename(temporary, final) != 0) die("rename");
        int directory = open(newFolder, O_RDONLY | O_DIRECTORY);
        if (directory < 0 || fsync(directory) != 0) die("fsync new/");
        close(directory);
        free(message);
    }
    return NULL;
}

static void handOver(const char *message, size_t length) {
    char *copy = malloc(length);
    memcpy(copy, message, length);
    pthread_mutex_lock(&lock);
    while (tail - head == PENDING) {  /* the deliveries fell behind by a whole ring: wait for them */
        pthread_mutex_unlock(&lock);
        usleep(100);
        pthread_mutex_lock(&lock);
    }
    pending[tail % PENDING] = copy;
    pendingLength[tail % PENDING] = length;
    tail++;
    pthread_cond_signal(&ready);
    pthread_mutex_unlock(&lock);
}

static void say(int fd, const char *text) {
    size_t length = strlen(text);
    if (write(fd, text, length) != (ssize_t)length) { /* the client went away; its read will notice */ }
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: floor PORT DIR [--deliver]\n"); return 2; }
    int port = atoi(argv[1]);
    folder = argv[2];
    int delivering = argc > 3 && strcmp(argv[3], "--deliver") == 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/journal", folder);
    int journal = open(path, O_RDWR | O_CREAT, 0600);
    if (journal < 0 || fallocate(journal, 0, 0, JOURNAL_SIZE) != 0 || fsync(journal) != 0) die("journal");
    snprintf(path, sizeof path, "%s/tmp", folder);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/new", folder);
    mkdir(path, 0700);
    if (delivering) {
        pthread_t thread;
        pthread_create(&thread, NULL, deliver, NULL);
    }
    int listener = socket(AF_INET, SOCK_STREAM, 0), on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 128) != 0) die("listen");

    static char input[1 << 16], message[1 << 20];
    off_t journalEnd = 0;
    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) continue;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        say(client, "220 floor ESMTP\r\n");
        size_t buffered = 0, messageLength = 0;
        int inData = 0, done = 0;
        while (!done) {
            ssize_t count = read(client, input + buffered, sizeof input - buffered);
            if (count <= 0) break;
            buffered += count;
            char *line = input, *end;
            while (!done && (end = memchr(line, '\n', input + buffered - line)) != NULL) {
                size_t length = end - line + 1;
                if (inData && length == 3 && line[0] == '.') {
                    inData = 0;
                    if (journalEnd + (off_t)messageLength > JOURNAL_SIZE) journalEnd = 0;
                    if (pwrite(journal, message, messageLength, journalEnd) != (ssize_t)messageLength) die("journal write");
                    journalEnd += messageLength;
                    if (fdatasync(journal) != 0) die("fdatasync");
                    if (delivering) handOver(message, messageLength);
                    say(client, "250 2.0.0 Ok: queued\r\n");
                    messageLength = 0;
                } else if (inData) {
                    if (messageLength + length > sizeof message) die("a message over 1 MiB");
                    memcpy(message + messageLength, line, length);
                    messageLength += length;
                } else if (strncasecmp(line, "EHLO", 4) == 0) {
                    say(client, "250-floor\r\n250 PIPELINING\r\n");
                } else if (strncasecmp(line, "DATA", 4) == 0) {
                    say(client, "354 End data with <CR><LF>.<CR><LF>\r\n");
                    inData = 1;
                } else if (strncasecmp(line, "QUIT", 4) == 0) {
                    say(client, "221 2.0.0 Bye\r\n");
                    done = 1;
                } else {
                    say(client, "250 2.0.0 Ok\r\n");
                }
                line = end + 1;
            }
            memmove(input, line, input + buffered - line);
            buffered = input + buffered - line;
        }
        close(client);
    }
}
