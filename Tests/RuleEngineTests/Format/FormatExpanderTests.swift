import Testing

@testable import RuleEngine

/// Behaviour the fixture does not pin, worked out from 6.8's `mda_variables.c`.
@Suite struct FormatExpanderTests {
    let context = FormatFixtureCase.envelope

    private func expand(_ template: String, _ context: FormatContext? = nil) throws(FormatError)
        -> FormatExpansionResult
    {
        try FormatExpander.expand(template, context: context ?? self.context)
    }

    private func message(_ template: String, _ context: FormatContext? = nil) -> String? {
        do {
            _ = try expand(template, context)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func nullSender() throws {
        var bounce = context
        bounce.sender = .null
        #expect(try expand("%{sender}", bounce) == .expanded(""))
        #expect(try expand("-f %{mbox.from}", bounce) == .expanded("-f MAILER-DAEMON"))
        // An empty value is never sliced, so even an always-failing slice yields nothing.
        #expect(try expand("<%{sender[-1]}>", bounce) == .expanded("<>"))
        // Modifiers are still checked.
        #expect(
            message("%{sender:bogus}", bounce) == "modifier 'bogus' is unknown (use lowercase, uppercase, strip or raw)"
        )
    }

    @Test func errorMessagesNameTheCulprit() {
        #expect(message("%{nope}") == "unknown token 'nope'")
        #expect(message("%{ rcpt }") == "unknown token ' rcpt '")
        #expect(message("%{rcpt.domain[-1]}")?.hasPrefix("slice [-1] is invalid: a single negative index") == true)
        #expect(message("%{rcpt.domain[0]:uppercase}") == "a slice cannot be combined with a modifier")
        #expect(message("%{rcpt.domain:uppercase[0]}") == "a slice cannot be combined with a modifier")
        #expect(message("%{rcpt[]}") == "slice [] is invalid: it is empty")
        #expect(message("%{rcpt]x[0}") == "']' comes before '[' in 'rcpt]x[0'")
        #expect(message("%{rcpt.user[4:2]}") == "slice [4:2] is invalid: it ends before it starts")
        #expect(message("%{rcpt:}") == "a modifier is empty (check for a stray ':' or '|')")
        #expect(message("%{rcpt:lowercase|}") == "a modifier is empty (check for a stray ':' or '|')")
    }

    @Test func errorOffsetPointsAtTheToken() {
        #expect(throws: FormatError(message: "unknown token 'nope'", offset: 4)) { try expand("abc %{nope}") }
    }

    @Test func tokensAndModifiersIgnoreCase() throws {
        #expect(try expand("%{Rcpt.User:LowerCase|STRIP}") == .expanded("user"))
        #expect(try expand("%{MBOX.FROM}") == .expanded("Sender@Ex.Org"))
    }

    @Test func slicesFollowStrtonum() throws {
        #expect(try expand("%{rcpt.domain[ 1]}") == .expanded("x"))
        #expect(try expand("%{rcpt.domain[+1:+2]}") == .expanded("xa"))
        #expect(try expand("%{rcpt.domain[-0]}") == .expanded("E"))
        #expect(try expand("%{rcpt.domain[-3:-1]}") == .expanded("or"))
        #expect(try expand("%{rcpt.domain[:]}") == .expanded("Example.org"))
        for bad in ["[1 ]", "[-]", "[1:2:3]", "[0x1]", "[1025]", "[-1025:]", "[:99999999999999999999]", "[-1:-1]"] {
            #expect(throws: FormatError.self, "\(bad)") { try expand("%{rcpt.domain\(bad)}") }
        }
        // In range for strtonum, but past the end of the value.
        #expect(
            message("%{rcpt.domain[1024:]}") == "slice [1024:] is invalid: it starts past the end of the 11-byte value"
        )
    }

    @Test func textAfterTheSliceIsIgnored() throws {
        #expect(try expand("%{rcpt.domain[0]xyz}") == .expanded("E"))
        #expect(try expand("%{rcpt.domain[0][5]}") == .expanded("E"))
    }

    @Test func stripUsesTheConfiguredDelimiter() throws {
        var dashed = context
        dashed.subaddressDelimiter = "-"
        dashed.rcpt = .init(user: "gilles-hackers+x", domain: "poolp.org")
        #expect(try expand("%{rcpt:strip}", dashed) == .expanded("gilles@poolp.org"))
        #expect(try expand("%{rcpt.user:strip}", dashed) == .expanded("gilles"))
        #expect(try expand("%{rcpt.domain:strip}", dashed) == .expanded("poolp.org"))
    }

    @Test func rawMayComeAnywhereInTheList() throws {
        var special = context
        special.rcpt = FormatFixtureCase.specialRecipient
        #expect(try expand("%{rcpt.user:raw|uppercase}", special) == .expanded("US{E}R|X?Y`Z$W~!#%&*'"))
        #expect(try expand("%{rcpt.user:uppercase|raw}", special) == .expanded("US{E}R|X?Y`Z$W~!#%&*'"))
    }

    @Test func homeDirectoryAndWrappedCommandAreNeverSanitized() throws {
        var odd = context
        odd.userDirectory = "/home/j~e$"
        odd.mdaCommand = "procmail -f '$SENDER' | tee"
        #expect(try expand("%{user.directory}", odd) == .expanded("/home/j~e$"))
        #expect(try expand("~/Maildir", odd) == .expanded("/home/j~e$/Maildir"))
        #expect(try expand("wrap %{mda}", odd) == .expanded("wrap procmail -f '$SENDER' | tee"))
        odd.userName = "j~e"
        #expect(try expand("%{user.username}", odd) == .expanded("j:e"))
    }

    @Test func percentSigns() throws {
        #expect(try expand("%") == .expanded("%"))
        #expect(try expand("%%") == .expanded("%"))
        #expect(try expand("50%%off %x %") == .expanded("50%off %x %"))
        #expect(try expand("%%%{rcpt.user}") == .expanded("%User+Tag"))
        #expect(try expand("") == .expanded(""))
    }

    @Test func unterminatedAfterAnErrorIsAnError() {
        #expect(throws: FormatError.self) { try expand("%{nope} %{rcpt") }
        // The first '}' closes the token, so this is one unknown token, not an unterminated one.
        #expect(message("%{rcpt %{nope}") == "unknown token 'rcpt %{nope'")
    }

    @Test func tokenLengthLimit() throws {
        let longest = String(repeating: "x", count: 126)
        #expect(message("%{\(longest)}") == "unknown token '\(longest)'")
        #expect(try expand("%{rcpt} %{\(longest)x}") == .unexpanded)
    }

    @Test func resultLengthLimit() throws {
        let fill = String(repeating: "a", count: 1023)
        #expect(try expand(fill) == .expanded(fill))
        #expect(message(fill + "b") == "result longer than 1023 bytes")
        // The limit is hit before the unterminated token is reached.
        #expect(message(fill + "b%{rcpt") == "result longer than 1023 bytes")
        let prefix = String(fill.dropLast(2))
        #expect(message(prefix + "%{user.username}") == "result longer than 1023 bytes")
        #expect(try expand(prefix + "%{user.username[1:]}") == .expanded(prefix + "oe"))
    }

    @Test func valueLengthLimits() throws {
        var long = context
        long.userName = String(repeating: "u", count: 1022)
        #expect(try expand("%{user.username}", long) == .expanded(long.userName))
        // One token may not fill the whole buffer on its own, …
        long.userName += "u"
        #expect(message("%{user.username}", long) == "%{user.username} expands to more than 1022 bytes")
        // … and a value is refused before slicing when it would not fit OpenSMTPD's buffer at all.
        long.userName += "u"
        #expect(message("%{user.username[0]}", long) == "the value of %{user.username} is longer than 1023 bytes")
    }

    @Test func homePrefixLimit() throws {
        var home = context
        home.userDirectory = "/" + String(repeating: "h", count: 1021)
        #expect(try expand("~/", home) == .expanded(home.userDirectory + "/"))
        #expect(message("~/x", home) == "result longer than 1023 bytes")
        home.userDirectory += "h"
        // OpenSMTPD gives up quietly on a home directory that does not fit.
        #expect(try expand("~/", home) == .unexpanded)
    }

    @Test func tildeOnlyAtTheStart() throws {
        #expect(try expand("~joe/x") == .expanded("~joe/x"))
        #expect(try expand("~") == .expanded("~"))
        #expect(try expand(" ~/x") == .expanded(" ~/x"))
    }

    @Test func nonASCIIValues() throws {
        var utf8 = context
        utf8.rcpt = .init(user: "Jürgen", domain: "Example.org")
        #expect(try expand("%{rcpt.user:lowercase}", utf8) == .expanded("jürgen"))
        #expect(try expand("%{rcpt.user[1:2]}", utf8) == .expanded("ü"))
        #expect(message("%{rcpt.user[1:1]}", utf8) == "slice [1:1] is invalid: it cuts a multi-byte UTF-8 character")
        #expect(message("%{rcpt.user[2]}", utf8) == "slice [2] is invalid: it cuts a multi-byte UTF-8 character")
    }

    @Test func unexpandedResultFallsBackToTheTemplate() throws {
        #expect(try expand("run %{rcpt").text(template: "run %{rcpt") == "run %{rcpt")
        #expect(try expand("run %{rcpt}").text(template: "run %{rcpt}") == "run User+Tag@Example.org")
    }
}
