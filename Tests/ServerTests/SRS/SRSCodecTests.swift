import ConfParser
import Testing
@testable import Server

/// SRS addresses as OpenSMTPD 7.x writes and reads them (srs.c).
///
/// The expected addresses were computed outside Tern, by a line-for-line Python transcription of srs.c:
/// ```
/// import hashlib, base64
/// B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
/// def h(key, text):   # srs_hash + base64_encode_rfc3548, first four characters
///     d = hashlib.sha1(key.encode() + text.encode()).digest()
///     return base64.b64encode(d).decode().replace('/', '_').replace('+', '-')[:4]
/// def stamp(now):
///     t = (now // 86400) % 1024
///     return B32[(t >> 5) & 31] + B32[t & 31]
/// # srs0_encode: tmp = f"{stamp(now)}={domain}={user}@{forwarder}"; f"SRS0={h(key, tmp)}={tmp}"
/// # srs1_encode_srs0: tmp = f"{hop}=={srs0_user}@{forwarder}"; f"SRS1={h(key, tmp)}={tmp}"
/// # srs1_encode_srs1: tmp = f"{srs1_user}@{forwarder}"; f"SRS1={h(key, tmp[5:])}={tmp[5:]}"
/// ```
/// 1700000000 is day 19675, 219 modulo 1024: stamp `G3`.
@Suite("SRS codec")
struct SRSCodecTests {
    static let now: Int64 = 1_700_000_000
    static let day: Int64 = 86400
    let codec = SRSCodec(key: "secret")

    @Test(arguments: [
        ("alice@sender.example", "forward.example", "SRS0=n6IZ=G3=sender.example=alice@forward.example"),
        // Nothing is folded to lower case.
        ("Alice.Smith@Sender.Example", "Forward.Example", "SRS0=3HfW=G3=Sender.Example=Alice.Smith@Forward.Example"),
        // base64's `+` and `/` are written `-` and `_`.
        ("grace@sender.example", "forward.example", "SRS0=i_li=G3=sender.example=grace@forward.example"),
        ("sybil@sender.example", "forward.example", "SRS0=J-As=G3=sender.example=sybil@forward.example"),
        // A sender that is already SRS0 is wrapped into SRS1 naming the previous forwarder.
        ("SRS0=abcd=G3=orig.example=bob@hop.example", "forward.example",
         "SRS1=9EN7=hop.example==abcd=G3=orig.example=bob@forward.example"),
        // An SRS1 sender (in any case) keeps its first hop and gets a new checksum.
        ("srs1=wxyz=hop.example==abcd=G3=orig.example=bob@prev.example", "forward.example",
         "SRS1=9EN7=hop.example==abcd=G3=orig.example=bob@forward.example"),
    ])
    func encodesAsOpenSMTPD(sender: String, forwarder: String, expected: String) {
        #expect(codec.encode(sender: sender, forwarderDomain: forwarder, now: Self.now) == expected)
    }

    /// What Debian's OpenSMTPD 6.8.0p2 (whose srs.c is 7.x's) sent as MAIL FROM when it forwarded mail with
    /// `srs key "interop-secret"` and `relay srs` on 2026-11-25 (day 20782, stamp `JO`), captured by an aiosmtpd
    /// receiver.
    @Test func matchesWhatOpenSMTPDSent() {
        let codec = SRSCodec(key: "interop-secret")
        let day: Int64 = 20782 * Self.day + 3600
        #expect(codec.encode(sender: "alice@sender.example", forwarderDomain: "fwd.example", now: day)
            == "SRS0=Lkwm=JO=sender.example=alice@fwd.example")
        #expect(codec.encode(sender: "SRS0=abcd=JO=orig.example=bob@hop.example", forwarderDomain: "fwd.example", now: day)
            == "SRS1=ChpR=hop.example==abcd=JO=orig.example=bob@fwd.example")
        #expect(codec.decode("SRS0=Lkwm=JO=sender.example=alice@fwd.example", now: day) == "alice@sender.example")
    }

    @Test func theDayStampWrapsAfter1024Days() {
        // Day 1023: base32 letters 31 and 31.
        #expect(codec.encode(sender: "dave@sender.example", forwarderDomain: "forward.example", now: 1023 * Self.day)
            == "SRS0=LsCY=77=sender.example=dave@forward.example")
        #expect(SRSTimestamp(unixTime: 1024 * Self.day).day == 0)
    }

    @Test func aSenderThatWouldNotFitIsLeftAsItIs() {
        let long = String(repeating: "x", count: 230) + "@sender.example"
        #expect(codec.encode(sender: long, forwarderDomain: "forward.example", now: Self.now) == long)
        // An SRS1 sender without room for a checksum and separator is not rewritten either.
        #expect(codec.encode(sender: "SRS1=ab@x", forwarderDomain: "f.example", now: Self.now) == "SRS1=ab@x")
    }

    @Test func decodesWhatItEncodes() {
        #expect(codec.decode("SRS0=n6IZ=G3=sender.example=alice@forward.example", now: Self.now)
            == "alice@sender.example")
        #expect(codec.decode("srs0=n6IZ=G3=sender.example=alice@forward.example", now: Self.now)
            == "alice@sender.example")
        // An SRS1 address decodes to the SRS0 address at the first hop.
        #expect(codec.decode("SRS1=9EN7=hop.example==abcd=G3=orig.example=bob@forward.example", now: Self.now)
            == "SRS0=abcd=G3=orig.example=bob@hop.example")
    }

    @Test func aWrongChecksumOrAnotherDomainDoesNotDecode() {
        #expect(codec.decode("SRS0=n6Iz=G3=sender.example=alice@forward.example", now: Self.now) == nil)
        #expect(codec.decode("SRS0=n6IZ=G3=sender.example=mallory@forward.example", now: Self.now) == nil)
        // The checksum covers the forwarder's domain as written.
        #expect(codec.decode("SRS0=n6IZ=G3=sender.example=alice@FORWARD.example", now: Self.now) == nil)
        #expect(SRSCodec(key: "other").decode("SRS0=n6IZ=G3=sender.example=alice@forward.example", now: Self.now) == nil)
        #expect(codec.decode("alice@forward.example", now: Self.now) == nil)
        #expect(codec.decode("SRS0=n6I", now: Self.now) == nil)
    }

    @Test func theBackupKeyStillDecodes() {
        // Written with "old-secret" (same Python).
        let old = "SRS0=A07b=G3=sender.example=carol@forward.example"
        #expect(codec.decode(old, now: Self.now) == nil)
        #expect(SRSCodec(key: "secret", backupKey: "old-secret").decode(old, now: Self.now) == "carol@sender.example")
        // The backup key is never used to write.
        #expect(SRSCodec(key: "secret", backupKey: "old-secret")
            .encode(sender: "carol@sender.example", forwarderDomain: "forward.example", now: Self.now) != old)
    }

    @Test func theDayStampIsGoodForTTLDaysAndOneDayAhead() {
        let address = "SRS0=n6IZ=G3=sender.example=alice@forward.example"
        #expect(codec.ttlDays == 4)
        for days: Int64 in [-1, 0, 1, 4] {
            #expect(codec.decode(address, now: Self.now + days * Self.day) == "alice@sender.example", "\(days)")
        }
        for days: Int64 in [-2, 5, 30] {
            #expect(codec.decode(address, now: Self.now + days * Self.day) == nil, "\(days)")
        }
        #expect(SRSCodec(key: "secret", ttlDays: 30).decode(address, now: Self.now + 30 * Self.day) != nil)
    }

    @Test func theRangeCheckCountsAcrossTheWrap() {
        // srs.c's minrange/maxrange on the 10-bit day: written on day 1022, good until day 2 (ttl 4).
        let written = SRSTimestamp(unixTime: 1022 * Self.day)
        #expect(written.isValid(today: SRSTimestamp(unixTime: 1024 * Self.day + 2 * Self.day), ttlDays: 4))
        #expect(!written.isValid(today: SRSTimestamp(unixTime: 1024 * Self.day + 3 * Self.day), ttlDays: 4))
        // Written on day 0, read on day 1023: one day ahead.
        #expect(SRSTimestamp(unixTime: 0).isValid(today: SRSTimestamp(unixTime: 1023 * Self.day), ttlDays: 4))
        #expect(!SRSTimestamp(unixTime: Self.day).isValid(today: SRSTimestamp(unixTime: 1023 * Self.day), ttlDays: 4))
        // Lower-case letters are no stamp.
        #expect(SRSTimestamp(Array("g3".utf8)) == nil)
        #expect(SRSTimestamp(Array("G3".utf8))?.day == 219)
    }

    @Test func anSRS1AddressIsCheckedForItsInnerStamp() {
        // Valid checksum over text whose SRS0 stamp is lower case: srs1_decode refuses it.
        let codec = SRSCodec(key: "secret")
        let inner = "SRS0=abcd=g3=orig.example=bob@hop.example"
        let wrapped = codec.encode(sender: inner, forwarderDomain: "forward.example", now: Self.now)
        #expect(wrapped.hasPrefix("SRS1="))
        #expect(codec.decode(wrapped, now: Self.now) == nil)
    }

    @Test func theConfigurationGivesKeysAndTTL() {
        var options = GlobalOptions()
        #expect(SRSCodec(options: options) == nil)
        options.srsKey = "k"
        options.srsBackupKey = "b"
        #expect(SRSCodec(options: options) == SRSCodec(key: "k", backupKey: "b", ttlDays: 4))
        options.srsTTL = Delay(text: "7d", seconds: 7 * 86400)
        #expect(SRSCodec(options: options)?.ttlDays == 7)
    }
}
