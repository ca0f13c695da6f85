/// OpenSMTPD's `duration_to_text` (to.c): days, hours, minutes and seconds, each only when not zero
/// (`2s`, `1m3s`, `1h2m3s`, `1d1s`), `0s` for zero, and a leading `-` for negative values. Used for the
/// `delay=` of delivery log lines.
public func durationText(_ seconds: Int64) -> String {
    if seconds == 0 { return "0s" }
    var text = seconds < 0 ? "-" : ""
    var rest = seconds.magnitude
    let s = rest % 60
    rest /= 60
    let m = rest % 60
    rest /= 60
    let h = rest % 24
    let d = rest / 24
    if d != 0 { text += "\(d)d" }
    if h != 0 { text += "\(h)h" }
    if m != 0 { text += "\(m)m" }
    if s != 0 { text += "\(s)s" }
    return text
}
