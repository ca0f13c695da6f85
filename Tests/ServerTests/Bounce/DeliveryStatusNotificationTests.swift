import Foundation
import PeerSupport
import Testing
import Transport
@testable import Server

@Suite("Delivery status notifications", .ownQueue)
struct DeliveryStatusNotificationTests {
    let original = Array("Subject: lunch\nFrom: alice@example.org\nTo: bob@example.net\n\nSee you at noon.\n.\n".utf8)
    let timestamp = MessageTimestamp(year: 2026, month: 1, day: 5, weekday: 1, hour: 9, minute: 3, second: 7, utcOffsetSeconds: 3600, zoneName: "CET")

    func notification(kind: BounceKind = .failed, ret: String = "", envid: String = "") -> DeliveryStatusNotification {
        let request = BounceRequest(
            messageID: MessageID(rawValue: 0xa1)!, kind: kind, sender: "alice@example.org", arrival: 1000, ret: ret,
            envelopeIdentifier: envid,
            recipients: [
                BounceRecipient(envelopeID: EnvelopeID(rawValue: 0xa1_0000_0001)!, finalRecipient: "bob@example.net",
                    originalRecipient: "rfc822;Bob@Example.net", status: "5.1.1", diagnostic: "550 5.1.1 <bob@example.net>: no such user"),
                BounceRecipient(envelopeID: EnvelopeID(rawValue: 0xa1_0000_0002)!, finalRecipient: "carol@example.net",
                    originalRecipient: "", status: "5.0.0", diagnostic: "Error\r\nwith a line break"),
            ])
        return DeliveryStatusNotification(request: request, reportingHost: "mx.example.org", date: timestamp, arrivalDate: timestamp, token: 0x1234)
    }

    @Test func failureReportParsesAsMultipartReportWithTheWholeMessage() throws {
        let parsed = try parseWithPython(notification(envid: "QQ314159").render(original: original))
        #expect(parsed["defects"] as? [String] == [])
        #expect(parsed["type"] as? String == "multipart/report")
        #expect(parsed["report_type"] as? String == "delivery-status")
        #expect(parsed["parts"] as? [String] == ["text/plain", "message/delivery-status", "message/rfc822"])
        #expect(parsed["subject"] as? String == "Delivery status notification: failed")
        #expect(parsed["from"] as? String == "Mailer Daemon <MAILER-DAEMON@mx.example.org>")
        #expect(parsed["to"] as? String == "alice@example.org")
        #expect(parsed["auto_submitted"] as? String == "auto-replied")
        #expect(parsed["message_id"] as? String == "<0000000000001234@mx.example.org>")
        #expect(parsed["date"] as? String == "Mon, 5 Jan 2026 09:03:07 +0100 (CET)")

        let blocks = try #require(parsed["status_blocks"] as? [[String: String]])
        #expect(blocks.count == 3)
        #expect(blocks[0] == [
            "Reporting-MTA": "dns; mx.example.org", "Original-Envelope-Id": "QQ314159",
            "Arrival-Date": "Mon, 5 Jan 2026 09:03:07 +0100 (CET)",
        ])
        #expect(blocks[1] == [
            "Final-Recipient": "rfc822; bob@example.net", "Original-Recipient": "rfc822;Bob@Example.net",
            "Action": "failed", "Status": "5.1.1", "Diagnostic-Code": "smtp; 550 5.1.1 <bob@example.net>: no such user",
        ])
        #expect(blocks[2]["Diagnostic-Code"] == "x-unix; Error  with a line break")
        #expect(blocks[2]["Original-Recipient"] == nil)

        let returned = try #require(parsed["returned"] as? [String: String])
        #expect(returned["subject"] == "lunch")
        #expect(returned["body"] == "See you at noon.\n.\n")
        let notice = try #require(parsed["notice"] as? String)
        #expect(notice.hasPrefix("    Hi!\n\n    This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n"))
        #expect(notice.contains("bob@example.net: 550 5.1.1 <bob@example.net>: no such user\n"))
    }

    @Test func retHdrsReturnsOnlyTheHeader() throws {
        let parsed = try parseWithPython(notification(ret: "HDRS").render(original: original))
        #expect(parsed["parts"] as? [String] == ["text/plain", "message/delivery-status", "text/rfc822-headers"])
        let returned = try #require(parsed["returned"] as? [String: String])
        #expect(returned["headers"] == "Subject: lunch\nFrom: alice@example.org\nTo: bob@example.net\n\n")
    }

    @Test func delayNoticeSaysHowLongAndHowLongItKeepsTrying() throws {
        let parsed = try parseWithPython(notification(kind: .delayed(delay: 4 * 3600, expiresIn: 4 * 86400)).render(original: original))
        #expect(parsed["subject"] as? String == "Delivery status notification: delayed")
        let notice = try #require(parsed["notice"] as? String)
        #expect(notice.contains("    A message is delayed for more than 4 hours for the following\n"))
        #expect(notice.contains("    The message is kept in the queue for up to 4 days.\n"))
        let blocks = try #require(parsed["status_blocks"] as? [[String: String]])
        #expect(blocks.dropFirst().allSatisfy { $0["Action"] == "delayed" })
    }

    @Test func withoutTheOriginalThereAreTwoParts() throws {
        let parsed = try parseWithPython(notification(kind: .delivered).render(original: nil))
        #expect(parsed["parts"] as? [String] == ["text/plain", "message/delivery-status"])
        #expect(parsed["subject"] as? String == "Delivery status notification: delivered")
    }

    @Test(arguments: [
        ("550 5.1.1 no such user", "5.1.1"), ("550-5.7.1 policy", "5.7.1"), ("4.2.2 Mailbox full", "4.2.2"),
        ("550 no code", nil), ("user unknown", nil), ("250 9.9.9 odd", nil),
    ] as [(String, String?)])
    func enhancedStatusFromReplies(text: String, code: String?) {
        #expect(EnhancedStatus.parse(text) == code)
    }

    @Test func failureStatusTakesTheClassOfWhatHappened() {
        #expect(EnhancedStatus.forFailure("452 4.2.2 full", permanent: true) == "5.2.2")
        #expect(EnhancedStatus.forFailure("oops", permanent: false) == "4.0.0")
    }
}
