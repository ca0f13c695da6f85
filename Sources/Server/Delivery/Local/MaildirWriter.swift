#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Delivers into a maildir the way OpenSMTPD's mail.maildir does, plus the durability it lacks: the file is
/// written in tmp/, fsynced, renamed into new/, and new/ is fsynced, so a delivery reported done survives a crash.
///
/// - A missing maildir (and its missing parents) is created mode 0700, owned by whoever runs the delivery: the
///   worker runs as the recipient's user, so the user owns it.
/// - With a sub-address, an existing maildir++ folder `.<tag>` gets the message (mail.maildir's EXTENSION rule).
/// - With `junk`, `.Junk` is created, and a message marked `X-Spam: yes` goes into it.
/// - Blocking: runs on a delivery thread.
struct MaildirWriter {
    var fileSystem = QueueFileSystem()

    /// Characters mail.maildir replaces with `:` in a folder name taken from a sub-address.
    private static let escapedInFolderNames = Set("!#$%&'*/?^`{|}~")

    /// - Returns: the path of the delivered file.
    @discardableResult
    func deliver(_ message: [UInt8], to root: String, junk: Bool, subaddress: String?) throws(LocalDeliveryError)
        -> String
    {
        guard root.hasPrefix("/") else { throw .permanent("maildir path is not absolute: \(root)") }
        try makeMaildir(root)
        var folder = root
        if let subaddress, !subaddress.isEmpty {
            let name = String(subaddress.map { Self.escapedInFolderNames.contains($0) ? ":" : $0 })
            if fileSystem.isDirectory(root + "/." + name) {
                folder = root + "/." + name
                try makeMaildir(folder)
            }
        }
        let junkFolder = root + "/.Junk"
        if junk { try makeMaildir(junkFolder) }
        let destination = junk && DeliveryHeaders.isMarkedAsSpam(message) ? junkFolder : folder

        let name = MaildirFileName.make(for: message).description
        let temporary = folder + "/tmp/" + name
        let final = destination + "/new/" + name
        try LocalDeliveryError.wrap { () throws(QueueError) in
            let fd = try fileSystem.createExclusive(temporary)
            do throws(QueueError) {
                try fileSystem.writeAll(fd, message, path: temporary)
                try fileSystem.fsyncFile(fd, path: temporary)
                close(fd)
                try fileSystem.rename(temporary, final)
            } catch {
                close(fd)
                unlink(temporary)
                throw error
            }
            try fileSystem.fsyncDirectory(destination + "/new")
        }
        return final
    }

    /// Creates `path` (and missing parents) and its cur/, new/ and tmp/, each mode 0700, and makes every new
    /// directory entry durable.
    func makeMaildir(_ path: String) throws(LocalDeliveryError) {
        try LocalDeliveryError.wrap { () throws(QueueError) in
            try makeDirectories(path)
            var created = false
            for sub in ["cur", "new", "tmp"] {
                let subPath = path + "/" + sub
                if fileSystem.isDirectory(subPath) { continue }
                try fileSystem.ensureDirectory(subPath)
                created = true
            }
            if created { try fileSystem.fsyncDirectory(path) }
        }
    }

    /// mkdir -p with mode 0700, fsyncing the parent of each directory it creates.
    private func makeDirectories(_ path: String) throws(QueueError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw QueueError.system(operation: "mkdir", path: path, errno: ENOTDIR) }
            return
        }
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !parent.isEmpty { try makeDirectories(parent) }
        try fileSystem.ensureDirectory(path)
        try fileSystem.fsyncDirectory(parent.isEmpty ? "/" : parent)
    }
}
