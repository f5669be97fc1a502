import Foundation

/// An `application/x-www-form-urlencoded` body as a dictionary (the last value of a repeated
/// name wins).
struct Form: Sendable {
    var fields: [String: String]

    init(_ body: String) {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields[name] = value
        }
        self.fields = fields
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// The field trimmed, or nil when missing or blank.
    func text(_ name: String) -> String? {
        guard let v = fields[name]?.trimmingWhitespace, !v.isEmpty else { return nil }
        return v
    }

    static func decode(_ s: Substring) -> String {
        let plus = s.replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
