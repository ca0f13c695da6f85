/// The hash of a table key's bytes, for `TableKeyIndex`.
///
/// Table keys are written by the administrator; lookups only probe, they never insert. So the hash needs to
/// be fast and to spread keys well, not to resist chosen collisions: it mixes eight bytes at a time with a
/// multiply and finishes with MurmurHash3's 64-bit finaliser.
enum TableKeyHash {
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var state: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: key.count)
        var offset = 0
        let count = key.count
        while offset + 8 <= count {
            let word = key.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            state = (state ^ word) &* 0x9E37_79B9_7F4A_7C15
            state = (state << 31) | (state >> 33)
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(key[offset]) << shift
                shift += 8
                offset += 1
            }
            state = (state ^ tail) &* 0x9E37_79B9_7F4A_7C15
        }
        state ^= state >> 33
        state = state &* 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 33
        state = state &* 0xC4CE_B9FE_1A85_EC53
        state ^= state >> 33
        return state
    }
}
