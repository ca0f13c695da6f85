#if canImport(Glibc)
import Glibc
#endif

extension MakemapRun {
    /// Writes `output` from `source` as makemap.c does: into a temporary file beside it, with the source's
    /// mode and owner, synced, then renamed over the old database.
    func build(source: String, output: String, kind: BerkeleyDBFile.Kind) -> Int32 {
        var sourceStatus = stat()
        if source != "-" && stat(source, &sourceStatus) == -1 { return fail("stat: \(source)") }
        let template = output + ".XXXXXXXXXXX"
        guard template.utf8.count < Int(PATH_MAX) else { return failx("path too long") }
        var templateBytes = Array(template.utf8CString)
        let fd = mkstemp(&templateBytes)
        guard fd != -1 else { return fail("mkstemp") }
        let temporaryPath = String(decoding: templateBytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                                   as: UTF8.self)
        var openFD: Int32? = fd

        var database: BerkeleyDBFile?

        func bad() -> Int32 {
            // Closed before the file goes, so that libdb has nothing left to flush into a removed file.
            _ = database?.close()
            if let openFD { close(openFD) }
            unlink(temporaryPath)
            return 1
        }

        let created: BerkeleyDBFile
        do {
            created = try BerkeleyDBFile.create(path: temporaryPath, kind: kind)
        } catch .noLibrary(let reason) {
            note("dbopen: \(temporaryPath): \(reason)")
            return bad()
        } catch {
            if case .failed(let errorNumber) = error { errno = errorNumber }
            warnErrno("dbopen: \(temporaryPath)")
            return bad()
        }
        database = created
        if source != "-" {
            let databaseFD = created.fileDescriptor
            if fchmod(databaseFD, sourceStatus.st_mode) == -1
                || fchown(databaseFD, sourceStatus.st_uid, sourceStatus.st_gid) == -1
            {
                warnErrno("couldn't carry ownership and perms to \(temporaryPath)")
                return bad()
            }
        }
        guard let count = fill(created, from: source) else { return bad() }
        database = nil
        guard created.close() else {
            warnErrno("dbclose: \(temporaryPath)")
            return bad()
        }
        // Forced to disk before it replaces an existing database.
        guard fsync(fd) != -1 else {
            warnErrno("fsync: \(temporaryPath)")
            return bad()
        }
        openFD = nil
        guard close(fd) != -1 else {
            warnErrno("close: \(temporaryPath)")
            return bad()
        }
        guard rename(temporaryPath, output) != -1 else {
            warnErrno("rename")
            return bad()
        }
        if mode == .newaliases {
            StandardOutput.write("\(source): \(count) aliases\n")
        } else if count == 0 {
            note("warning: empty map created: \(output)")
        }
        return 0
    }

    /// `parse_map`: reads the source (standard input for `-`) under a shared lock and stores its entries.
    /// - Returns: how many records were stored, or nil after a message.
    private func fill(_ database: BerkeleyDBFile, from filename: String) -> Int? {
        let fd = filename == "-" ? 0 : open(filename, O_RDONLY)
        guard fd >= 0 else {
            warnErrno(filename)
            return nil
        }
        defer { if fd != 0 { close(fd) } }
        if isatty(fd) == 0 && flock(fd, LOCK_SH | LOCK_NB) == -1 {
            if errno == EWOULDBLOCK { note("\(filename) is locked") } else { warnErrno("\(filename): flock") }
            return nil
        }
        var reader = MakemapSourceReader(bytes: FileDescriptorReader.readAll(fd))
        let origin = source ?? filename
        var count = 0
        while let line = reader.nextLine() {
            let entry = type == .set ? MakemapEntry.set(line) : MakemapEntry.mapping(line)
            switch entry {
            case .blank:
                continue
            case .invalid:
                note("\(origin):\(reader.lineNumber): invalid entry")
                return nil
            case .entry(let key, let value):
                let key = key.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 0x20 : $0 }
                switch database.contains(key: key + [0]) {
                case true?:
                    note("\(origin):\(reader.lineNumber): duplicate entry for \(String(decoding: key, as: UTF8.self))")
                    return nil
                case nil:
                    // makemap.c takes a failed lookup for an absent key.
                    break
                case false?:
                    break
                }
                if type == .aliases && !MakemapEntry.isValidAliasValue(value) {
                    note("\(origin):\(reader.lineNumber): invalid entry")
                    return nil
                }
                guard database.put(key: key + [0], value: value + [0]) else {
                    warnErrno("dbput")
                    return nil
                }
                count += 1
            }
        }
        return count
    }

    /// `makemap -U`: every record as `key<TAB>value`, each printed as C prints it (up to a NUL).
    func dump(path: String, kind: BerkeleyDBFile.Kind) -> Int32 {
        let database: BerkeleyDBFile
        do {
            database = try BerkeleyDBFile.openReadOnly(path: path, kind: kind)
        } catch .noLibrary(let reason) {
            return failx("dbopen: \(path): \(reason)")
        } catch {
            if case .failed(let errorNumber) = error { errno = errorNumber }
            return fail("dbopen: \(path)")
        }
        guard let records = database.records() else { return fail("db->seq: \(path)") }
        var text: [UInt8] = []
        for (key, value) in records {
            text += key.prefix(while: { $0 != 0 })
            text.append(UInt8(ascii: "\t"))
            text += value.prefix(while: { $0 != 0 })
            text.append(UInt8(ascii: "\n"))
        }
        FileDescriptorWriter.write(1, bytes: text)
        guard database.close() else { return fail("dbclose: \(path)") }
        return 0
    }
}
