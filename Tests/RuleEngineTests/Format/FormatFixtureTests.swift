import Testing

@testable import RuleEngine

/// Tern against OpenSMTPD 6.8, one fixture line at a time.
@Suite struct FormatFixtureTests {
    @Test func fixtureIsReadCompletely() {
        let cases = FormatFixtureCase.all
        // 48 lines: 46 probes, the crash line, and the crash's "exit=139" note (not a case).
        #expect(cases.count == 47)
        #expect(cases.filter { $0.outcome == .crashed }.map(\.input) == ["%{mda}"])
        let special = cases.filter { $0.context.rcpt == FormatFixtureCase.specialRecipient && $0.outcome != .crashed }
        #expect(special.map(\.line) == Array(42...46))
    }

    @Test(arguments: FormatFixtureCase.all)
    func expandsLikeOpenSMTPD(_ fixture: FormatFixtureCase) throws {
        switch fixture.outcome {
        case .error:
            #expect(throws: FormatError.self) { try FormatExpander.expand(fixture.input, context: fixture.context) }
        case .crashed:
            let error = #expect(throws: FormatError.self) {
                try FormatExpander.expand(fixture.input, context: fixture.context)
            }
            #expect(error?.message == "%{mda} is only valid inside an mda wrapper")
        case .unexpanded:
            #expect(try FormatExpander.expand(fixture.input, context: fixture.context) == .unexpanded)
        case .expanded(let text):
            #expect(try FormatExpander.expand(fixture.input, context: fixture.context) == .expanded(text))
        }
    }

    /// What the validator promises without an envelope must hold for the fixture's envelope.
    @Test(arguments: FormatFixtureCase.all)
    func validatorAgreesWithExpander(_ fixture: FormatFixtureCase) throws {
        let problems = FormatValidator.problems(in: fixture.input, insideWrapper: fixture.context.mdaCommand != nil)
        let result = Result { () throws(FormatError) in
            try FormatExpander.expand(fixture.input, context: fixture.context)
        }
        if problems.contains(where: { $0.consequence == .deliveryFails }) {
            #expect(throws: FormatError.self) { try result.get() }
        } else if problems.contains(where: { $0.consequence == .leftUnexpanded }) {
            #expect(try result.get() == .unexpanded)
        }
        if case .expanded = fixture.outcome {
            #expect(problems.isEmpty)
        }
    }
}
