#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The supervisor's memory of getgrouplist(3) answers, for a few seconds. Every delivery request needs its user's
/// groups, and with `group: files systemd` in nsswitch.conf each answer costs about ninety system calls (the
/// systemd module searches its userdb folders every time): at hundreds of deliveries a second, most of the
/// supervisor's work. A user's groups rarely change, and a worker keeps the groups it started with for as long
/// as it runs anyway; an answer younger than `lifetime` seconds is reused. Single-threaded, like the supervisor.
struct GroupListCache {
    var lifetime: Double = 5
    var lookUp: (SystemAccount) -> [gid_t] = WorkerIdentity.supplementaryGroups(of:)
    private var answers: [Key: (groups: [gid_t], time: Double)] = [:]

    private struct Key: Hashable {
        var name: String
        var gid: gid_t
    }

    mutating func groups(of account: SystemAccount, now: Double) -> [gid_t] {
        let key = Key(name: account.name, gid: account.gid)
        if let answer = answers[key], now - answer.time < lifetime, now >= answer.time { return answer.groups }
        if answers.count > 1024 { answers = answers.filter { now - $0.value.time < lifetime } }
        let groups = lookUp(account)
        answers[key] = (groups, now)
        return groups
    }
}
