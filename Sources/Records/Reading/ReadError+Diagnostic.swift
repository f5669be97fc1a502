import Diagnostics

extension ReadError {
    /// The error as a diagnostic (codes D0001–D0019 and D0028–D0033), in Chinese and English.
    public var diagnostic: Diagnostic {
        switch self {
        case .fileNotFound(let path):
            return Diagnostic(
                .error, code: "D0001", at: .file(path: path),
                summary: zhEn("找不到文件", "file not found"),
                help: zhEn("请检查文件名和所在文件夹是否正确。", "Check the file name and the folder it is in."))
        case .unreadable(let path, let reason):
            return Diagnostic(
                .error, code: "D0002", at: .file(path: path),
                summary: zhEn("无法读取文件", "cannot read the file"), found: reason,
                help: zhEn("请确认这是一个普通文件、没有被其他程序占用，并且有读取权限。",
                        "Make sure it is a regular file, not open in another program, and readable."))
        case .notAFile(let path, let kind):
            let what: (zh: String, en: String) = switch kind {
            case .folder: ("文件夹", "a folder")
            case .pipe: ("命名管道（FIFO）", "a named pipe (FIFO)")
            case .device: ("设备", "a device")
            case .socket: ("套接字", "a socket")
            case .other: ("特殊文件", "a special file")
            }
            return Diagnostic(
                .error, code: "D0002", at: .file(path: path),
                summary: zhEn("“\(FileName.of(path))”是\(what.zh)，不是普通文件，无法读取", "'\(FileName.of(path))' is \(what.en), not a regular file"),
                expected: zhEn("一个 .csv 或 .xlsx 文件", "a .csv or .xlsx file"),
                help: zhEn(kind == .folder
                            ? "把该文件夹改名或移出月份文件夹，再把本月的表格文件（如 \(FileName.of(path))）放进来。"
                            : "删除它，把本月的表格文件（如 \(FileName.of(path))）放进月份文件夹。",
                        kind == .folder
                            ? "Rename the folder or move it out of the month folder, and put this month's table file there."
                            : "Remove it and put this month's table file in the month folder."))
        case .unsupportedFileType(let path, let ext):
            return Diagnostic(
                .error, code: "D0003", at: .file(path: path),
                summary: zhEn("不支持的文件类型“\(ext)”", "unsupported file type '\(ext)'"),
                expected: zhEn(".csv 或 .xlsx", ".csv or .xlsx"),
                help: zhEn("请在 Excel 中“另存为”CSV 或 Excel 工作簿（.xlsx）。",
                        "Save the table from Excel as CSV or as an Excel workbook (.xlsx)."))
        case .legacyExcelFormat(let path):
            return Diagnostic(
                .error, code: "D0004", at: .file(path: path),
                summary: zhEn("这是旧版 Excel 97-2003 工作簿（.xls），无法读取",
                           "this is an old Excel 97-2003 workbook (.xls), which is not read"),
                help: zhEn("请在 Excel 中打开，选择“另存为”→“Excel 工作簿（*.xlsx）”。",
                        "Open it in Excel and use Save As → Excel Workbook (*.xlsx)."))
        case .misnamedWorkbook(let path):
            return Diagnostic(
                .error, code: "D0005", at: .file(path: path),
                summary: zhEn("文件名是 .csv，但内容是 Excel 工作簿", "the file is named .csv but holds an Excel workbook"),
                help: zhEn("请把扩展名改为 .xlsx，或在 Excel 中“另存为”CSV。",
                        "Rename it to .xlsx, or save it from Excel as CSV."))
        case .unsupportedEncoding(let path, let encoding):
            return Diagnostic(
                .error, code: "D0006", at: .file(path: path),
                summary: zhEn("不支持的文字编码 \(encoding)", "unsupported text encoding \(encoding)"),
                expected: zhEn("UTF-8 或 GB18030（GBK）", "UTF-8 or GB18030 (GBK)"),
                help: zhEn("请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”。",
                        "In Excel use Save As → CSV UTF-8 (Comma delimited)."))
        case .utf16WithoutBOM(let path, let bigEndian):
            let name = bigEndian ? "UTF-16BE" : "UTF-16LE"
            return Diagnostic(
                .error, code: "D0006", at: .file(path: path),
                summary: zhEn("文件是没有 BOM 标记的 \(name)（Unicode）文本，不是 UTF-8 或 GB18030",
                              "the file is \(name) (Unicode) text without a byte-order mark, not UTF-8 or GB18030"),
                expected: zhEn("UTF-8 或 GB18030（GBK）", "UTF-8 or GB18030 (GBK)"),
                notes: [zhEn("文件中每个英文字母、数字和逗号后面都跟着一个 0 字节，这是 UTF-16 的特征；文件开头没有标明编码的 BOM，所以别的程序也可能把它读成乱码。",
                             "Every letter, digit and comma is paired with a zero byte, which is how UTF-16 stores them; without a byte-order mark at the start other programs may misread it too.")],
                help: zhEn("用记事本打开该文件，确认内容显示正常后，选“另存为”，编码选“UTF-8”，保存为 .csv；或在导出它的程序中改选“CSV UTF-8”格式重新导出。",
                           "Open the file in Notepad, check that it reads correctly, then Save As with encoding UTF-8 as .csv; or export it again as CSV UTF-8 from the program that made it."))
        case .invalidUTF8(let path, let line, let offset, let bytes):
            return Diagnostic(
                .error, code: "D0007", at: .row(path: path, line: line, column: nil, columnName: nil),
                summary: zhEn("第 \(line) 行有不是 UTF-8 的字节", "line \(line) holds bytes that are not UTF-8"),
                found: Self.hex(bytes) + " @\(offset)",
                notes: [zhEn("文件开头是 UTF-8，后面却出现了其他编码的文字，可能是拼接了不同编码的文件。",
                          "The file starts as UTF-8 but later holds text in another encoding; files in different encodings may have been joined.")],
                help: zhEn("请在 Excel 中打开后“另存为”→“CSV UTF-8（逗号分隔）”，使整个文件使用同一种编码。",
                        "Open it in Excel and use Save As → CSV UTF-8 (Comma delimited) so the whole file has one encoding."))
        case .invalidGB18030(let path, let line, let offset, let bytes):
            return Diagnostic(
                .error, code: "D0008", at: .row(path: path, line: line, column: nil, columnName: nil),
                summary: zhEn("第 \(line) 行的文字既不是 UTF-8 也不是 GB18030（GBK）",
                           "line \(line) is neither UTF-8 nor GB18030 (GBK) text"),
                found: Self.hex(bytes) + " @\(offset)",
                help: zhEn("请确认文件没有损坏，并在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”。",
                        "Check that the file is not damaged, then save it from Excel as CSV UTF-8 (Comma delimited)."))
        case .converterUnavailable(let path, let encoding):
            return Diagnostic(
                .error, code: "D0009", at: .file(path: path),
                summary: zhEn("本机无法转换 \(encoding) 编码", "this system cannot convert \(encoding) text"),
                help: zhEn("请把文件另存为 CSV UTF-8，或在系统中安装 glibc 的完整字符集转换模块。",
                        "Save the file as CSV UTF-8, or install glibc's full character set converters."))
        case .unterminatedQuote(let path, let line):
            return Diagnostic(
                .error, code: "D0010", at: .row(path: path, line: line, column: nil, columnName: nil),
                summary: zhEn("第 \(line) 行开始的引号没有结束", "the quote opened on line \(line) is never closed"),
                notes: [zhEn("引号之后直到文件结尾的内容都被当成了同一个单元格。",
                          "Everything from the quote to the end of the file was read as one field.")],
                help: zhEn("请在这一行找到多余或缺少的英文双引号（\"），补齐或删除后再保存。",
                        "Find the stray or missing double quote (\") on this line and add or remove it."))
        case .recordTooLong(let path, let line, let limit):
            return Diagnostic(
                .error, code: "D0011", at: .row(path: path, line: line, column: nil, columnName: nil),
                summary: zhEn("第 \(line) 行开始的一条记录超过 \(limit / 1_048_576) MB",
                           "the record starting on line \(line) is longer than \(limit / 1_048_576) MB"),
                notes: [zhEn("通常是某个单元格多了一个英文双引号，把后面的许多行都吞进了同一个单元格。",
                          "Usually a stray double quote makes one field swallow many lines.")],
                help: zhEn("请检查这一行附近的英文双引号（\"）是否成对。",
                        "Check that the double quotes (\") near this line come in pairs."))
        case .notZip(let path):
            return Diagnostic(
                .error, code: "D0012", at: .file(path: path),
                summary: zhEn("不是有效的 Excel 工作簿（.xlsx），文件可能已损坏",
                           "not a valid Excel workbook (.xlsx); the file may be damaged"),
                help: zhEn("请用 Excel 打开并重新保存为 .xlsx；如果是下载或拷贝的文件，请重新获取。",
                        "Open it in Excel and save it again as .xlsx; if it was downloaded or copied, fetch it again."))
        case .corruptPart(let path, let part, let reason):
            return Diagnostic(
                .error, code: "D0013", at: .file(path: path),
                summary: zhEn("工作簿中的“\(part)”已损坏", "the workbook part '\(part)' is damaged"),
                found: reason,
                help: zhEn("请用 Excel 打开并重新保存为 .xlsx；如果是下载或拷贝的文件，请重新获取。",
                        "Open it in Excel and save it again as .xlsx; if it was downloaded or copied, fetch it again."))
        case .missingPart(let path, let part):
            return Diagnostic(
                .error, code: "D0014", at: .file(path: path),
                summary: zhEn("工作簿缺少“\(part)”", "the workbook has no part '\(part)'"),
                help: zhEn("请用 Excel 打开并重新保存为 .xlsx。", "Open it in Excel and save it again as .xlsx."))
        case .noSheets(let path):
            return Diagnostic(
                .error, code: "D0015", at: .file(path: path),
                summary: zhEn("工作簿里没有工作表", "the workbook has no sheets"),
                help: zhEn("请确认数据放在工作簿的第一个工作表里，然后重新保存。",
                        "Put the data in the first sheet of the workbook and save it again."))
        case .malformedXML(let path, let part, let offset, let reason):
            return Diagnostic(
                .error, code: "D0016", at: .file(path: path),
                summary: zhEn("工作簿中的“\(part)”格式错误（约第 \(offset) 字节处）",
                           "the workbook part '\(part)' is malformed (near byte \(offset))"),
                found: reason,
                help: zhEn("请用 Excel 打开并重新保存为 .xlsx；如果文件由其他软件导出，请换用 Excel 另存。",
                        "Open it in Excel and save it again as .xlsx; if another program exported it, save it from Excel instead."))
        case .badSharedString(let path, let sheet, let reference, let index):
            return Diagnostic(
                .error, code: "D0017", at: .cell(path: path, sheet: sheet, reference: reference, columnName: nil),
                summary: zhEn("单元格引用了不存在的共享文本（编号 \(index)）",
                           "the cell refers to shared string \(index), which does not exist"),
                help: zhEn("请用 Excel 打开并重新保存为 .xlsx。", "Open it in Excel and save it again as .xlsx."))
        case .tooManyColumns(let path, let sheet, let row, let column):
            return Diagnostic(
                .error, code: "D0018", at: .file(path: path),
                summary: zhEn("工作表“\(sheet)”第 \(row) 行有超过 16384 列的单元格（第 \(column) 列）",
                           "sheet '\(sheet)' row \(row) has a cell beyond column 16384 (column \(column))"),
                help: zhEn("请用 Excel 打开并重新保存为 .xlsx。", "Open it in Excel and save it again as .xlsx."))
        case .protectedWorkbook(let path):
            return Diagnostic(
                .error, code: "D0019", at: .file(path: path),
                summary: zhEn("工作簿设置了打开密码，或其实是改了扩展名的旧版 .xls 文件",
                           "the workbook is password-protected, or is an old .xls file renamed to .xlsx"),
                help: zhEn("请在 Excel 中取消打开密码（文件→信息→保护工作簿），并“另存为”Excel 工作簿（*.xlsx）。",
                        "Remove the open password in Excel (File → Info → Protect Workbook) and save as Excel Workbook (*.xlsx)."))
        case .partTooLarge(let path, let part, let size, let limit):
            return Diagnostic(
                .error, code: "D0028", at: .file(path: path),
                summary: zhEn("工作簿中的“\(part)”解压后超过 \(Self.size(limit))", "part '\(part)' is over \(Self.size(limit)) uncompressed"),
                found: Self.size(size),
                expected: zhEn("每个部分解压后不超过 \(Self.size(limit))", "at most \(Self.size(limit)) a part"),
                help: zhEn("请把数据分成几个较小的文件，或在 Excel 中“另存为”CSV UTF-8 后使用。",
                        "Split the data into smaller files, or save it from Excel as CSV UTF-8."))
        case .compressionRatio(let path, let part, let compressed, let inflated, let ratio):
            return Diagnostic(
                .error, code: "D0029", at: .file(path: path),
                summary: zhEn("工作簿中的“\(part)”压缩比超过 \(ratio):1，可能是恶意构造的“压缩炸弹”",
                           "part '\(part)' inflates over \(ratio) times its compressed size, like a zip bomb"),
                found: "\(Self.size(compressed)) → \(Self.size(inflated))",
                expected: zhEn("解压后不超过压缩大小的 \(ratio) 倍（Excel 保存的表格通常为 5–20 倍）",
                            "at most \(ratio):1 (sheets saved by Excel: 5–20:1)"),
                help: Self.bombHelp)
        case .cellTooLong(let path, let place, let excerpt):
            let location: Location
            let summary: Localized
            let limit = ReadLimits.maxCellCharacters
            switch place {
            case .cell(let sheet, let reference):
                location = .cell(path: path, sheet: sheet, reference: reference, columnName: nil)
                summary = zhEn("单元格超过 \(limit) 个字符（Excel 单元格的上限）", "the cell is over \(limit) characters, Excel's limit")
            case .sharedString(let part, let index):
                location = .file(path: path)
                summary = zhEn("“\(part)”中的共享文本（编号 \(index)）超过 \(limit) 个字符（Excel 单元格的上限）",
                               "shared string \(index) in '\(part)' is over \(limit) characters, Excel's limit")
            }
            return Diagnostic(
                .error, code: "D0030", at: location, summary: summary, found: excerpt,
                expected: zhEn("每个单元格不超过 \(limit) 个字符", "at most \(limit) characters"),
                help: zhEn("请删减该单元格的内容，或拆分到几个单元格。", "Shorten the cell, or split it over several cells."))
        case .fieldTooLong(let path, let line, let column, let quoted, let excerpt):
            let limit = ReadLimits.maxCellCharacters
            return Diagnostic(
                .error, code: "D0031", at: .row(path: path, line: line, column: column, columnName: nil),
                summary: zhEn("第 \(line) 行第 \(column) 列的单元格超过 \(limit) 个字符",
                           "field \(column) of line \(line) is over \(limit) characters"),
                found: excerpt,
                expected: zhEn("每个单元格不超过 \(limit) 个字符（Excel 单元格的上限）", "at most \(limit) characters, Excel's limit"),
                help: quoted
                    ? zhEn("这个单元格以英文双引号开头，通常是引号没有成对，把后面的行都吞了进去：请检查这一行附近的双引号（\"）。",
                           "An unbalanced quote may have swallowed the lines after it: check the quotes (\").")
                    : zhEn("请删减该单元格的内容，或拆分到几个单元格。", "Shorten the field, or split it over several columns."))
        case .expansionTooLarge(let path, let sheet, let row, let bytes, let compressed, let ratio):
            return Diagnostic(
                .error, code: "D0032", at: .file(path: path),
                summary: zhEn("工作表“\(sheet)”读到第 \(row) 行时，内容已超过压缩大小的 \(ratio) 倍",
                           "sheet '\(sheet)' expands by row \(row) to over \(ratio) times its compressed size"),
                found: "\(Self.size(compressed)) → \(Self.size(bytes))",
                notes: [zhEn("一段很长的共享文本被大量单元格重复引用。", "One long shared string is repeated in very many cells.")],
                help: Self.bombHelp)
        case .tooManyFields(let path, let line, let limit):
            return Diagnostic(
                .error, code: "D0033", at: .row(path: path, line: line, column: nil, columnName: nil),
                summary: zhEn("第 \(line) 行超过 \(limit) 列", "line \(line) has more than \(limit) fields"),
                expected: zhEn("每行不超过 \(limit) 列（Excel 的列数上限）", "at most \(limit) fields, Excel's column limit"),
                help: zhEn("请检查分隔符是否正确，或在 Excel 中“另存为”CSV。", "Check the delimiter, or save the table from Excel as CSV."))
        }
    }

    /// What to do about a workbook that inflates or expands like a bomb.
    private static let bombHelp = zhEn("请在 Excel 中打开后“另存为”CSV UTF-8 再使用；来源不明的文件请不要使用，并告知管理员。",
                                       "Save it from Excel as CSV UTF-8; do not use files of unknown origin.")

    /// A byte count as people read it: `812 B`, `53.2 KB`, `8.0 MB`, `2.0 GB`.
    static func size(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var v = Double(n) / 1024
        var u = 0
        while v >= 1024 && u < units.count - 1 {
            v /= 1024
            u += 1
        }
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[u])"
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { b in
            let s = String(b, radix: 16, uppercase: true)
            return "0x" + (s.count == 1 ? "0" + s : s)
        }.joined(separator: " ")
    }
}

private func zhEn(_ zh: String, _ en: String) -> Localized { Localized(zh: zh, en: en) }
