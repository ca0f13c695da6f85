// glibc's stub resolver (res_nquery, ns_parserr), for MX lookups. Wrapped in functions because resolv.h
// spells several of its functions as macros (res_ninit is __res_ninit), which Swift does not import.
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>

static inline int tern_res_ninit(res_state state) { return res_ninit(state); }

static inline void tern_res_nclose(res_state state) { res_nclose(state); }

static inline int tern_res_nquery(res_state state, const char *name, int type, unsigned char *answer, int length) {
    return res_nquery(state, name, ns_c_in, type, answer, length);
}

static inline int tern_res_h_errno(res_state state) { return state->res_h_errno; }

// Replaces the name servers read from /etc/resolv.conf by one IPv4 server at any port (tests point this at a
// dnsmasq on a high loopback port). IPv6 servers from resolv.conf live in _u._ext.nsaddrs, allocated by
// res_ninit: they are freed and cleared so that only the given server is asked.
// Returns -1 when `host` is not IPv4 text.
static inline int tern_res_set_nameserver(res_state state, const char *host, int port) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) return -1;
    for (int i = 0; i < MAXNS; i++) {
        free(state->_u._ext.nsaddrs[i]);
        state->_u._ext.nsaddrs[i] = NULL;
    }
    state->nsaddr_list[0] = address;
    state->nscount = 1;
    // A test server on loopback answers at once or not at all: retry after 1 s rather than resolv.conf's 5 s.
    state->retrans = 1;
    state->retry = 3;
    return 0;
}

static inline int tern_dn_expand(const unsigned char *message, const unsigned char *end, const unsigned char *source,
    char *destination, int length) {
    return dn_expand(message, end, source, destination, length);
}

static inline int tern_ns_initparse(const unsigned char *message, int length, ns_msg *handle) {
    return ns_initparse(message, length, handle);
}

static inline int tern_ns_answer_count(const ns_msg *handle) { return ns_msg_count(*handle, ns_s_an); }

static inline int tern_ns_parse_answer(ns_msg *handle, int index, ns_rr *record) {
    return ns_parserr(handle, ns_s_an, index, record);
}

static inline const unsigned char *tern_ns_msg_base(const ns_msg *handle) { return ns_msg_base(*handle); }
static inline const unsigned char *tern_ns_msg_end(const ns_msg *handle) { return ns_msg_end(*handle); }
