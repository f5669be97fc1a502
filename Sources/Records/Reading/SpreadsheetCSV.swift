/// Cells of a CSV file written for people to open in a spreadsheet (the rejected rows of
/// `check-data`, the activation codes' mail merge).
///
/// Text that came from the data or from a person is neutralised as OWASP advises against
/// CSV injection: a cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading `'`, so that Excel and LibreOffice show it as text instead of running it as a
/// formula (`=HYPERLINK(…)`). Files the batch reads back (`申诉调整.csv`) are not written
/// this way: there `-1.5` is a number.
public enum SpreadsheetCSV {
    /// The characters a spreadsheet reads as the start of a formula.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// The cell as text a spreadsheet will not run: `'` before a formula start.
    public static func neutralised(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, formulaStarts.contains(Character(first)) else { return s }
        return "'" + s
    }

    /// The cell neutralised, then quoted when it holds a comma, a quote or a line break.
    public static func field(_ s: String) -> String {
        let text = neutralised(s)
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One line of cells, without its line ending.
    public static func row(_ cells: [String]) -> String {
        cells.map(field).joined(separator: ",")
    }
}
