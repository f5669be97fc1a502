import Foundation
import ZIPFoundation

/// Rewrites the numbers a workbook's sheets store in their shortest exact form.
///
/// libxlsxwriter 1.1.4 prints numbers with `%.16G`, so 77.01 is stored as the text
/// `77.01000000000001`: the same double, and Excel or LibreOffice read it back exactly, but
/// a bank's import tool that reads the XML text could see three decimals. Finance's files
/// (payroll, bank transfer) are therefore rewritten with the shortest text that reads back
/// as the same double (`77.01`), as Excel itself writes. Entries keep their order, and
/// their time is the run's, so the same inputs still give the same bytes.
enum ShortestNumbers {
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
            guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch let error as ReportError {
            throw error
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
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
            throw .cannotWrite(path: temporary, reason: "\(error)")
        }
    }

    /// Every `<v>…</v>` holding a decimal with more digits than its double needs.
    static func shorten(_ xml: Data) -> Data {
        let bytes = [UInt8](xml)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        let open: [UInt8] = Array("<v>".utf8), close: [UInt8] = Array("</v>".utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x3C, i + 3 <= bytes.count, bytes[i + 1] == 0x76, bytes[i + 2] == 0x3E {
                var j = i + 3
                while j < bytes.count, bytes[j] != 0x3C { j += 1 }
                let text = bytes[(i + 3)..<j]
                out.append(contentsOf: open)
                // Only plain decimals with a point and many digits: integers, shared-string
                // indexes and exponents are left as written.
                if text.count > 15, text.contains(0x2E), !text.contains(where: { $0 == 0x45 || $0 == 0x65 }),
                   let d = Double(String(decoding: text, as: UTF8.self)) {
                    let short = Array(d.description.utf8)
                    if !short.contains(where: { $0 == 0x65 }), Double(d.description) == d { out.append(contentsOf: short) } else { out.append(contentsOf: text) }
                } else {
                    out.append(contentsOf: text)
                }
                i = j
                if j + close.count <= bytes.count, Array(bytes[j..<(j + close.count)]) == close {
                    out.append(contentsOf: close)
                    i = j + close.count
                }
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return Data(out)
    }
}
