import Foundation
import Testing
@testable import Server

/// Parses a message with Python's `email` package and returns a JSON summary of its MIME structure: the top
/// content type and parameters, each part's type, the delivery-status blocks' fields, and the returned message.
func parseWithPython(_ message: [UInt8]) throws -> [String: Any] {
    let script = #"""
import email, email.policy, json, sys
raw = sys.stdin.buffer.read()
msg = email.message_from_bytes(raw, policy=email.policy.compat32)
out = {
    "defects": [type(d).__name__ for d in msg.defects],
    "type": msg.get_content_type(),
    "report_type": msg.get_param("report-type"),
    "subject": msg["Subject"], "from": msg["From"], "to": msg["To"],
    "auto_submitted": msg["Auto-Submitted"], "message_id": msg["Message-ID"], "date": msg["Date"],
    "parts": [], "status_blocks": [], "returned": None,
}
for part in msg.get_payload():
    out["parts"].append(part.get_content_type())
    out["defects"] += [type(d).__name__ for d in part.defects]
    if part.get_content_type() == "message/delivery-status":
        out["status_blocks"] = [dict(block.items()) for block in part.get_payload()]
    elif part.get_content_type() == "message/rfc822":
        inner = part.get_payload()[0]
        out["returned"] = {"subject": inner["Subject"], "body": inner.get_payload()}
    elif part.get_content_type() == "text/rfc822-headers":
        out["returned"] = {"headers": part.get_payload()}
    elif part.get_content_type() == "text/plain":
        out["notice"] = part.get_payload()
print(json.dumps(out))
"""#
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(message))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "python3 failed to parse the notification")
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}
