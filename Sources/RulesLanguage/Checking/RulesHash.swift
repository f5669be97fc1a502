import Diagnostics
import Foundation

/// A fingerprint of the rules' text, recorded with every run so a result can be traced to
/// the exact rules that produced it. FNV-1a 64 over each file's path and bytes, in path
/// order, as 16 hex digits (a content identifier, not a security measure).
public enum RulesHash {
    public static func of(_ sources: [SourceFile]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for s in sources.sorted(by: { $0.path < $1.path }) {
            for b in Array(s.path.utf8) + [0] + s.bytes + [0] { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        }
        return String(h, radix: 16).leftPadded(16)
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
