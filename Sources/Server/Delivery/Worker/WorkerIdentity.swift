#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The credentials one delivery worker runs with: the delivery user's uid, primary gid and supplementary groups
/// (initgroups), plus, for mbox deliveries, the group that may write the mail spool (see `forDelivery`).
struct WorkerIdentity: Hashable, Sendable, CustomStringConvertible {
    var uid: uid_t
    var gid: gid_t
    var groups: [gid_t]

    var description: String { "uid=\(uid) gid=\(gid) groups=\(groups.map(String.init).joined(separator: ","))" }

    /// The worker's identity for a delivery, or why there is none. The supervisor asks this for every request,
    /// and trusts the daemon only this far:
    ///
    /// - An unknown delivery user is a permanent failure (`LocalDeliverer.account`).
    /// - uid 0 is refused, as OpenSMTPD's forkmda refuses it, except for root's own mailbox `<spool>/root`.
    /// - An mbox delivery into the mail spool also gets the spool's group when that group may write there
    ///   (Debian's /var/mail is `root:mail 2775`): the dotlock `/var/mail/USER.lock` is created in that folder,
    ///   which is why Debian's mail readers and dotlockfile are set-group-id `mail`. The worker gains nothing else:
    ///   other users' mailboxes are 0600 (or 0660 with their own group). Other folders never lend their group.
    ///
    /// `groupsOf` is getgrouplist(3) by default; the supervisor passes its short-lived cache of it.
    static func forDelivery(
        _ delivery: LocalDelivery, mailSpool: String,
        groupsOf: (SystemAccount) -> [gid_t] = supplementaryGroups(of:)
    ) throws(LocalDeliveryError) -> WorkerIdentity {
        let account = try LocalDeliverer.account(for: delivery)
        let intoSpool = delivery.method == .mbox && folder(of: delivery.target) == mailSpool
        if account.uid == 0 && !(intoSpool && delivery.target == mailSpool + "/" + account.name) {
            throw .permanent("MDA not allowed to deliver to: \(delivery.user)")
        }
        var groups = groupsOf(account)
        if intoSpool, let spoolGroup = writableGroup(of: mailSpool), !groups.contains(spoolGroup) {
            groups.append(spoolGroup)
        }
        return WorkerIdentity(uid: account.uid, gid: account.gid, groups: groups.sorted())
    }

    private static func folder(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// getgrouplist(3): the primary group and every group listing the user.
    static func supplementaryGroups(of account: SystemAccount) -> [gid_t] {
        var count: Int32 = 64
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            let previous = count
            if getgrouplist(account.name, account.gid, &groups, &count) >= 0 {
                return Array(Set(groups.prefix(Int(count))))
            }
            if count <= previous { count = previous * 2 }
            if count > 65536 { return [account.gid] }
        }
    }

    private static func writableGroup(of folder: String) -> gid_t? {
        var info = stat()
        guard stat(folder, &info) == 0, info.st_mode & S_IWGRP != 0, info.st_gid != 0 else { return nil }
        return info.st_gid
    }

    // MARK: Command line of a worker process

    var arguments: [String] {
        [String(uid), String(gid), groups.map(String.init).joined(separator: ",")]
    }

    init(uid: uid_t, gid: gid_t, groups: [gid_t]) {
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    init?(arguments: ArraySlice<String>) {
        guard arguments.count == 3, let uid = uid_t(arguments[arguments.startIndex]),
            let gid = gid_t(arguments[arguments.startIndex + 1])
        else { return nil }
        let groupText = arguments[arguments.startIndex + 2]
        let groups = groupText.isEmpty ? [] : groupText.split(separator: ",").compactMap { gid_t($0) }
        self.init(uid: uid, gid: gid, groups: groups)
    }

    /// Becomes this identity for good: groups, then gid, then uid (real, effective and saved), and checks
    /// that root cannot be regained. Returns why not when any step fails; the caller must then exit.
    func adopt() -> String? {
        var list = groups.isEmpty ? [gid] : groups
        guard setgroups(list.count, &list) == 0 else { return "setgroups: \(String(cString: strerror(errno)))" }
        // As root, setgid and setuid set the real, effective and saved ids together (glibc applies them to every
        // thread).
        guard setgid(gid) == 0 else { return "setgid: \(String(cString: strerror(errno)))" }
        guard setuid(uid) == 0 else { return "setuid: \(String(cString: strerror(errno)))" }
        guard getuid() == uid, geteuid() == uid, getgid() == gid, getegid() == gid else {
            return "credentials did not change"
        }
        if uid != 0 && (setuid(0) == 0 || seteuid(0) == 0) { return "root could be regained" }
        return nil
    }
}
