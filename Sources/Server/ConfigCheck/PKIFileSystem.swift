#if canImport(Glibc)
import Glibc
#endif
public import ConfParser

/// The file operations the pki checks need, replaceable in tests.
public struct PKIFileSystem: Sendable {
    public struct Status: Sendable {
        public var ownerID: UInt32
        public var permissions: UInt32
        public init(ownerID: UInt32, permissions: UInt32) {
            self.ownerID = ownerID
            self.permissions = permissions
        }
    }

    public var status: @Sendable (String) -> Status?
    public var read: @Sendable (String) -> [UInt8]?
    /// The user the check runs as; its own files are accepted as well as root's.
    public var effectiveUserID: UInt32

    public init(status: @escaping @Sendable (String) -> Status?, read: @escaping @Sendable (String) -> [UInt8]?,
                effectiveUserID: UInt32) {
        self.status = status
        self.read = read
        self.effectiveUserID = effectiveUserID
    }

    public static let system = PKIFileSystem(
        status: { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            return Status(ownerID: info.st_uid, permissions: UInt32(info.st_mode) & 0o7777)
        },
        read: { path in
            if case .success(let bytes) = FileBytes.read(path: path, maximumSize: 16 << 20) { return bytes }
            return nil
        },
        effectiveUserID: geteuid())
}
