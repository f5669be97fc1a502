import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as its bytes (4 or 16). An IPv4-mapped IPv6 address
/// (`::ffff:192.0.2.1`, what a dual-stack socket reports for an IPv4 client) is the IPv4
/// address, so that one client has one spelling.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Parses `192.0.2.1`, `2001:db8::1`, and as a proxy may write them in `X-Forwarded-For`,
    /// `[2001:db8::1]`, `[2001:db8::1]:443` and `192.0.2.1:443`. nil for anything else (a host
    /// name, a zone index, `unknown`).
    public init?(_ text: some StringProtocol) {
        var s = String(text).trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty, s.utf8.count <= 64 else { return nil }
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return nil }
            let rest = s[s.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isASCII) && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
            s = String(s[s.index(after: s.startIndex)..<close])
        } else if s.filter({ $0 == ":" }).count == 1, s.contains(".") {
            // `192.0.2.1:443`: an IPv4 address with a port.
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            s = String(parts[0])
        }
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, s, &v6) == 1 else { return nil }
        let b = withUnsafeBytes(of: &v6) { Array($0) }
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF {
            bytes = Array(b[12..<16])
        } else {
            bytes = b
        }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    public var isIPv6: Bool { bytes.count == 16 }

    /// The usual text: dotted for IPv4, RFC 5952 for IPv6.
    public var description: String {
        var out = [CChar](repeating: 0, count: 64)
        var b = bytes
        let family = isIPv6 ? AF_INET6 : AF_INET
        let ok = b.withUnsafeMutableBytes { raw in inet_ntop(family, raw.baseAddress, &out, socklen_t(out.count)) != nil }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The address with every bit after the first `prefix` cleared.
    public func masked(to prefix: Int) -> IPAddress {
        var b = bytes
        for i in 0..<b.count {
            let keep = max(0, min(8, prefix - i * 8))
            b[i] &= keep == 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        return IPAddress(bytes: b)
    }

    /// What the login throttle counts failures by: an IPv4 address itself, an IPv6 address
    /// its /64 network (`2001:db8:1:2::/64`). One IPv6 subscriber, household or office gets a
    /// whole /64 and can take a fresh address from it for every attempt, so a single address
    /// would be no limit at all.
    public var throttleKey: String {
        isIPv6 ? "\(masked(to: 64))/64" : description
    }

    /// The wider network the throttle also counts an IPv6 client by (`ThrottleScope.network`):
    /// its /56 (`2001:db8:0:100::/56`), what a home or small office is usually given, so
    /// that walking 工号 from one /64 after another is still one client. nil for IPv4.
    public var networkKey: String? {
        isIPv6 ? "\(masked(to: 56))/56" : nil
    }
}

/// An address or a network (`192.0.2.10`, `10.0.0.0/8`, `fd00::/8`): a `--trusted-proxy`.
public struct AddressRange: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    public let prefix: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(parts[0]), !parts[0].contains("[") else { return nil }
        let bits = address.bytes.count * 8
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let p = Int(parts[1]), p <= bits else { return nil }
            // An IPv4-mapped network written in IPv6 (`::ffff:10.0.0.0/104`) is the IPv4 one.
            let given = parts[0].contains(":") && !address.isIPv6 ? p - 96 : p
            guard given >= 0 else { return nil }
            prefix = given
        } else {
            prefix = bits
        }
        network = address.masked(to: prefix)
    }

    public func contains(_ a: IPAddress) -> Bool {
        a.bytes.count == network.bytes.count && a.masked(to: prefix) == network
    }

    public var description: String {
        prefix == network.bytes.count * 8 ? network.description : "\(network)/\(prefix)"
    }
}

/// Who a request comes from, as the portal counts and audits it.
public enum ClientAddress {
    /// The client's address. The connection's peer, unless the peer is one of the trusted
    /// proxies: then the right-most address of `X-Forwarded-For` (every header line, in
    /// order) that is not a trusted proxy itself — the one the last trusted proxy saw. A
    /// client can write anything to the left of what its proxy appends, so nothing further
    /// left is read. An entry that is not an address stops the walk at the trusted hop to its
    /// right; when every entry is trusted, the left-most is the client.
    public static func resolve(peer: String?, forwardedFor: [String], trusted: [AddressRange]) -> String? {
        guard let peer else { return nil }
        guard let p = IPAddress(peer) else { return peer }
        guard trusted.contains(where: { $0.contains(p) }) else { return p.description }
        var hop = p
        for entry in forwardedFor.flatMap({ $0.split(separator: ",") }).reversed() {
            guard let a = IPAddress(entry) else { return hop.description }
            if !trusted.contains(where: { $0.contains(a) }) { return a.description }
            hop = a
        }
        return hop.description
    }

    /// The key the throttle counts an address under (`ThrottleScope`): an IPv6 address's /64,
    /// anything that is not an address as written (at most 64 characters), "-" for none.
    public static func throttleKey(_ address: String?) -> String {
        guard let address, !address.isEmpty else { return "-" }
        if let a = IPAddress(address) { return a.throttleKey }
        return String(address.prefix(64))
    }

    /// The throttle key staff mean by `text` when unlocking: an address, or an IPv6 network
    /// written `…/64`; nil when `text` is neither (a user name or 工号).
    public static func unlockKey(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let a = IPAddress(t) { return a.throttleKey }
        if t.hasSuffix("/64"), let r = AddressRange(t), r.network.isIPv6 { return r.network.throttleKey }
        if t.hasSuffix("/56"), let r = AddressRange(t), r.network.isIPv6 { return r.network.networkKey }
        return nil
    }

    /// The IPv6 /56 the throttle counts an address under too (`IPAddress.networkKey`); nil
    /// for IPv4 and anything that is not an address.
    public static func networkKey(_ address: String?) -> String? {
        guard let address, let a = IPAddress(address) else { return nil }
        return a.networkKey
    }
}
