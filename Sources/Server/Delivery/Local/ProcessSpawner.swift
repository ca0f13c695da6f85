#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// posix_spawn with the few options deliveries need. A multi-threaded Swift process must not run code between
/// fork and exec, so every child (MDA commands, the delivery supervisor, its workers) starts this way.
enum ProcessSpawner {
    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "posix_spawn: \(String(cString: strerror(code)))" }
    }

    /// - Parameters:
    ///   - descriptors: child descriptor number → parent descriptor to put there; every other descriptor of the
    ///     parent must be close-on-exec (all of Tern's are).
    ///   - workingDirectory: where the child starts; ignored where the C library cannot do it.
    ///   - newProcessGroup: the child leads a new process group, so that it and its own children can be killed
    ///     together.
    static func spawn(
        _ path: String, arguments: [String], environment: [String], descriptors: [Int32: Int32],
        workingDirectory: String? = nil, newProcessGroup: Bool = false
    ) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // A target that is also someone's source would be overwritten first: move every source out of the way.
        var staged: [(child: Int32, parent: Int32)] = []
        for (child, parent) in descriptors.sorted(by: { $0.key < $1.key }) {
            let high = fcntl(parent, F_DUPFD_CLOEXEC, 100)
            guard high >= 0 else { throw Failure(code: errno) }
            staged.append((child, high))
        }
        defer { for entry in staged { close(entry.parent) } }
        for entry in staged { posix_spawn_file_actions_adddup2(&actions, entry.parent, entry.child) }
        if let workingDirectory, let addChdir = Self.addChdir {
            _ = addChdir(&actions, workingDirectory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard status == 0 else { throw Failure(code: status) }
        return pid
    }

    /// This process's own executable, for starting the supervisor and workers from the same binary. The kernel's
    /// link still starts it after a package upgrade replaced (and so unlinked) the file.
    static let currentExecutable = "/proc/self/exe"

    /// glibc's posix_spawn_file_actions_addchdir_np (2.29), which Swift's Glibc module does not import.
    private typealias AddChdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()
}

/// What waitpid reported about a child.
enum ChildExit: Equatable {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    /// Waits for `pid` to end, retrying EINTR. Blocking.
    static func wait(for pid: pid_t) -> ChildExit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .signaled(SIGKILL) }
        }
        return ChildExit(waitStatus: status)
    }
}
