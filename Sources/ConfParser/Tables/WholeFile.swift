#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file in one go with POSIX calls, keeping errno so that messages can match OpenSMTPD's.
enum WholeFile {
    struct Failure: Error {
        /// The C call OpenSMTPD's message names: opening fails in `fopen`, reading in `getline` (for example
        /// on a directory, which `fopen` opens without complaint).
        enum Call: String, CustomStringConvertible {
            case open = "fopen"
            case read = "getline"
            var description: String { rawValue }
        }
        var call: Call
        /// strerror(3)'s text, e.g. `No such file or directory`.
        var message: String
    }

    static func read(path: String) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(call: .open, message: errorText(errno)) }
        defer { close(descriptor) }

        var status = stat()
        let sizeHint = fstat(descriptor, &status) == 0 ? max(Int(status.st_size), 0) : 0
        // One byte more than the size, so that a regular file ends with one read returning 0.
        var bytes = [UInt8](repeating: 0, count: sizeHint + 1)
        var filled = 0
        while true {
            if filled == bytes.count {
                bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 64 * 1024)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                readBytes(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count > 0 {
                filled += count
            } else if count == 0 {
                break
            } else {
                let number = errno
                if number == EINTR { continue }
                throw Failure(call: .read, message: errorText(number))
            }
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    static func errorText(_ number: Int32) -> String {
        String(cString: strerror(number))
    }
}

/// read(2), named apart from `WholeFile.read` so that the call resolves to the system function.
private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
