import CShortestNumber
import Foundation
import ZIPFoundation

/// Rewrites the numbers a workbook's sheets store in their shortest exact form.
///
/// libxlsxwriter 1.1.4 prints numbers with `%.16G`, so 77.01 is stored as the text
/// `77.01000000000001`: the same double, and Excel or LibreOffice read it back exactly, but
/// a bank's import tool that reads the XML text could see three decimals. `CShortestNumber`
/// normally makes the library print the shortest text itself; where that interposition is
/// not live, every workbook is rewritten here with the shortest text that reads back as the
/// same double (`77.01`), as Excel itself writes. Entries keep their order, and
/// their time is the run's, so the same inputs still give the same bytes.
enum ShortestNumbers {
    /// Whether libxlsxwriter already prints numbers in shortest form in this process
    /// (CShortestNumber's interposed `snprintf` is the one the library calls), so that no
    /// rewrite is needed.
    static let printedShortest = jifen_shortest_number_live() != 0

    /// The text CShortestNumber prints for `value` (its fast path for amounts included), and
    /// the text printf alone gives (the first of `%.15G`, `%.16G`, `%.17G` that reads back):
    /// always equal (tests compare them).
    static func printed(_ value: Double) -> (fast: String, general: String) {
        var a = [CChar](repeating: 0, count: 64), b = [CChar](repeating: 0, count: 64)
        let n = Int(jifen_shortest_number_text(value, &a)), m = Int(jifen_shortest_number_general(value, &b))
        return (String(decoding: a.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self),
                String(decoding: b.prefix(m).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    static func rewrite(path: String, modified: Date) throws(ReportError) {
        do {
            var entries: [(path: String, data: Data)] = []
            do {
                let source = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
                for entry in source {
                    var data = Data()
                    _ = try source.extract(entry) { data.append($0) }
                    if entry.path.hasPrefix("xl/worksheets/sheet"), entry.path.hasSuffix(".xml") { data = shorten(data) }
                    entries.append((entry.path, data))
                }
            }
            let temporary = path + ".tmp"
            try? FileManager.default.removeItem(atPath: temporary)
            try DeflateLevel.fast { () throws(ReportError) in try write(entries, to: temporary, modified: modified) }
            // The finished file replaces the first one in one step.
            guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch let error as ReportError {
            throw error
        } catch {
            throw .cannotWrite(path: path, reason: FileFailure.reason(error))
        }
    }

    private static func write(_ entries: [(path: String, data: Data)], to temporary: String, modified: Date) throws(ReportError) {
        do {
            do {
                let target = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
                for (name, data) in entries {
                    try target.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified,
                                        compressionMethod: .deflate) { position, size in
                        data.subdata(in: Int(position)..<Int(position) + size)
                    }
                }
            }
        } catch {
            throw .cannotWrite(path: temporary, reason: FileFailure.reason(error))
        }
    }

    /// Every `<v>…</v>` holding a decimal with more digits than its double needs.
    static func shorten(_ xml: Data) -> Data {
        xml.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Data in
            let bytes = raw.bindMemory(to: UInt8.self)
            let n = bytes.count
            var out = Data()
            out.reserveCapacity(n)
            var copied = 0  // bytes before this are in `out`
            var i = 0
            while i + 3 <= n {
                // Find the next "<v>"; only what lies between it and "</v>" may change.
                guard bytes[i] == 0x3C, bytes[i + 1] == 0x76, bytes[i + 2] == 0x3E else {
                    i += 1
                    continue
                }
                let start = i + 3
                var j = start
                while j < n, bytes[j] != 0x3C { j += 1 }
                let text = UnsafeBufferPointer(rebasing: bytes[start..<j])
                // Only plain decimals with a point and many digits: integers, shared-string
                // indexes and exponents are left as written.
                if text.count > 15, text.contains(0x2E), !text.contains(where: { $0 == 0x45 || $0 == 0x65 }),
                   let d = Double(String(decoding: text, as: UTF8.self)) {
                    let short = d.description
                    if !short.utf8.contains(0x65), Double(short) == d {
                        out.append(UnsafeBufferPointer(rebasing: bytes[copied..<start]))
                        out.append(contentsOf: short.utf8)
                        copied = j
                    }
                }
                i = j
            }
            out.append(UnsafeBufferPointer(rebasing: bytes[copied..<n]))
            return out
        }
    }
}
