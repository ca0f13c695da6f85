import Testing

@testable import RuleEngine

/// `FormatValidator`: what `smtpd -n` can say about a template before any mail arrives.
@Suite struct FormatValidatorTests {
    private func problems(_ template: String, insideWrapper: Bool = false) -> [FormatProblem] {
        FormatValidator.problems(in: template, insideWrapper: insideWrapper)
    }

    @Test(arguments: [
        "/usr/local/bin/deliver -d %{user.username}",
        "/var/vmail/%{dest.domain:lowercase}/%{dest.user:lowercase|strip}/Maildir",
        "~/Maildir",
        "100%% sure %x",
        "%{rcpt.domain[11]}",  // fails only for values of 11 bytes or fewer
        "%{rcpt.domain[0:-4]}",
        "",
    ])
    func cleanTemplates(_ template: String) {
        #expect(problems(template) == [])
    }

    @Test func badTokens() {
        #expect(
            problems("x %{nope}") == [.init(message: "unknown token 'nope'", offset: 2, consequence: .deliveryFails)]
        )
        #expect(
            problems("%{rcpt:bogus}").map(\.message) == [
                "modifier 'bogus' is unknown (use lowercase, uppercase, strip or raw)"
            ]
        )
        #expect(problems("%{rcpt[0]:upper}").map(\.message) == ["a slice cannot be combined with a modifier"])
        #expect(problems("%{rcpt[a]}").map(\.consequence) == [.deliveryFails])
    }

    @Test func slicesThatAlwaysFail() {
        for template in ["%{rcpt.domain[-1]}", "%{rcpt.user[4:2]}", "%{rcpt[-2:-3]}", "%{rcpt[-2:-2]}"] {
            #expect(problems(template).map(\.consequence) == [.deliveryFails], "\(template)")
        }
        #expect(
            problems("%{rcpt.domain[-1]}").first?.message
                == "slice [-1] of %{rcpt.domain} fails for every non-empty value"
        )
        #expect(problems("%{rcpt[-3:-2]}") == [])
    }

    @Test func mdaOnlyInsideAWrapper() {
        #expect(problems("%{mda}").map(\.consequence) == [.deliveryFails])
        #expect(problems("%{MDA}", insideWrapper: true) == [])
    }

    @Test func unterminatedAndOverlongTokensLeaveTheTextUnexpanded() {
        #expect(
            problems("deliver %{rcpt} %{rcpt") == [
                .init(
                    message: "'%{' has no closing '}', so OpenSMTPD uses the whole text unexpanded",
                    offset: 16,
                    consequence: .leftUnexpanded
                )
            ]
        )
        let long = String(repeating: "x", count: 127)
        #expect(problems("%{\(long)}").map(\.consequence) == [.leftUnexpanded])
        #expect(
            problems("%{\(long)}").first?.message.hasPrefix("a token of 127 bytes is too long (at most 126)") == true
        )
    }

    @Test func ignoredText() {
        #expect(
            problems("%{rcpt[0]xyz}") == [
                .init(message: "'xyz' after the slice of %{rcpt} is ignored", offset: 0, consequence: .textIgnored)
            ]
        )
    }

    @Test func fixedTextTooLong() {
        #expect(problems(String(repeating: "a", count: 1023)) == [])
        #expect(problems(String(repeating: "a", count: 1024)).map(\.consequence) == [.deliveryFails])
    }

    @Test func everyProblemIsReportedInOrder() {
        #expect(problems("%{nope} %{mda} %{rcpt:x} %{rcpt").map(\.offset) == [0, 8, 15, 25])
    }
}
