/// HMAC-SHA-256 (RFC 2104) over the store's SHA-256: what the portal signs its pre-login
/// form tokens with.
public enum HMACSHA256 {
    /// The 32-byte tag of `message` under `key`.
    public static func tag(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let block = 64
        var k = key
        if k.count > block {
            var h = SHA256()
            h.update(k)
            k = h.finalize()
        }
        k += [UInt8](repeating: 0, count: block - k.count)
        var inner = SHA256()
        inner.update(k.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()
        var outer = SHA256()
        outer.update(k.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalize()
    }

    /// The tag as 64 lowercase hex characters.
    public static func hex(key: [UInt8], message: String) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(64)
        for b in tag(key: key, message: Array(message.utf8)) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return out
    }
}
