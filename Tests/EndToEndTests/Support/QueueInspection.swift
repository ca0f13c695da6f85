import Foundation

/// Reads what the daemon left in its queue folder: message directories and their envelope files.
struct QueueInspection {
    let queueDirectory: String

    var messageIDs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: queueDirectory + "/queue")) ?? []).sorted()
    }

    func body(_ messageID: String) -> String {
        (try? String(contentsOfFile: "\(queueDirectory)/queue/\(messageID)/message", encoding: .utf8)) ?? ""
    }

    /// Each envelope file of a message as a key → value dictionary (values still percent-encoded).
    func envelopes(_ messageID: String) -> [[String: String]] {
        let directory = "\(queueDirectory)/queue/\(messageID)"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.count == 16 }
        return names.sorted().compactMap { name in
            guard let text = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) else { return nil }
            var fields: [String: String] = [:]
            for line in text.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
            return fields
        }
    }
}
