import CXlsxWriter

/// A data validation: what a cell accepts, the message shown when it is selected and the
/// alert shown when something else is typed.
struct XlsxValidation {
    enum Rule {
        /// A dropdown of these words, written into the validation itself (at most 255
        /// characters with the separating commas, Excel's limit).
        case list([String])
        /// A dropdown of the cells of a range (`='列表'!$A$2:$A$31`).
        case listRange(String)
        case whole(min: Int64, max: Int64)
        case decimal(min: Double, max: Double)
        /// Excel date serials, both ends included.
        case dates(from: Int, through: Int)
        /// Fractions of a day, both ends included.
        case times(from: Double, through: Double)
        /// The length of the text, both ends included.
        case length(min: Int, max: Int)
        /// A formula that must be true (`COUNTIF($A:$A,A2)=1`).
        case custom(String)
        /// Anything: only the input message.
        case any
    }

    enum Alert { case stop, warning, information }

    var rule: Rule
    var inputTitle: String
    var inputMessage: String
    var errorTitle = "输入有误"
    var errorMessage: String
    var alert = Alert.stop
}

/// What a clerk may still do on a protected sheet.
struct XlsxProtection {
    var formatColumns = true
    var formatRows = true
    var insertRows = true
    var deleteRows = true
    var sort = true
    var autofilter = true
}

extension XlsxSheet {
    /// Applies `validation` to the cells of `column` from `firstRow` through `lastRow`.
    func validate(column: Int, firstRow: Int, lastRow: Int, _ validation: XlsxValidation) throws(ReportError) {
        var owned: [UnsafeMutablePointer<CChar>] = []
        defer { owned.forEach { free($0) } }
        func c(_ s: String) -> UnsafeMutablePointer<CChar> {
            let p = strdup(s)!
            owned.append(p)
            return p
        }
        var v = lxw_data_validation()
        v.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
        var list: [UnsafeMutablePointer<CChar>?] = []
        switch validation.rule {
        case .list(let words):
            v.validate = UInt8(LXW_VALIDATION_TYPE_LIST.rawValue)
            list = words.map { c($0) } + [nil]
        case .listRange(let formula):
            v.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
            v.value_formula = c(formula)
        case .whole(let lo, let hi):
            v.validate = UInt8(LXW_VALIDATION_TYPE_INTEGER.rawValue)
            v.minimum_number = Double(lo)
            v.maximum_number = Double(hi)
        case .decimal(let lo, let hi):
            v.validate = UInt8(LXW_VALIDATION_TYPE_DECIMAL.rawValue)
            v.minimum_number = lo
            v.maximum_number = hi
        case .dates(let lo, let hi):
            v.validate = UInt8(LXW_VALIDATION_TYPE_DATE_NUMBER.rawValue)
            v.minimum_number = Double(lo)
            v.maximum_number = Double(hi)
        case .times(let lo, let hi):
            v.validate = UInt8(LXW_VALIDATION_TYPE_TIME_NUMBER.rawValue)
            v.minimum_number = lo
            v.maximum_number = hi
        case .length(let lo, let hi):
            v.validate = UInt8(LXW_VALIDATION_TYPE_LENGTH.rawValue)
            v.minimum_number = Double(lo)
            v.maximum_number = Double(hi)
        case .custom(let formula):
            v.validate = UInt8(LXW_VALIDATION_TYPE_CUSTOM_FORMULA.rawValue)
            v.criteria = UInt8(LXW_VALIDATION_CRITERIA_NONE.rawValue)
            v.value_formula = c(formula)
        case .any:
            v.validate = UInt8(LXW_VALIDATION_TYPE_ANY.rawValue)
            v.criteria = UInt8(LXW_VALIDATION_CRITERIA_NONE.rawValue)
        }
        v.ignore_blank = UInt8(LXW_VALIDATION_ON.rawValue)
        v.input_title = c(validation.inputTitle)
        v.input_message = c(validation.inputMessage)
        v.error_title = c(validation.errorTitle)
        v.error_message = c(validation.errorMessage)
        switch validation.alert {
        case .stop: v.error_type = UInt8(LXW_VALIDATION_ERROR_TYPE_STOP.rawValue)
        case .warning: v.error_type = UInt8(LXW_VALIDATION_ERROR_TYPE_WARNING.rawValue)
        case .information: v.error_type = UInt8(LXW_VALIDATION_ERROR_TYPE_INFORMATION.rawValue)
        }
        // libxlsxwriter copies every string before returning.
        let status = list.withUnsafeMutableBufferPointer { words -> lxw_error in
            if !words.isEmpty { v.value_list = words.baseAddress }
            return worksheet_data_validation_range(
                handle, self.r(firstRow), self.c(column), self.r(lastRow), self.c(column), &v)
        }
        try workbook.check(status, "worksheet_data_validation_range")
    }

    /// Protects the sheet without a password: locked cells (a format's default) cannot be
    /// changed, unlocked ones can.
    func protect(_ allow: XlsxProtection) {
        var o = lxw_protection()
        o.format_columns = allow.formatColumns ? 1 : 0
        o.format_rows = allow.formatRows ? 1 : 0
        o.insert_rows = allow.insertRows ? 1 : 0
        o.delete_rows = allow.deleteRows ? 1 : 0
        o.sort = allow.sort ? 1 : 0
        o.autofilter = allow.autofilter ? 1 : 0
        worksheet_protect(handle, nil, &o)
    }

    /// The format every cell of the columns has unless written with its own.
    func columnFormat(_ col: Int, width: Double, _ style: CellStyle) throws(ReportError) {
        try workbook.check(
            worksheet_set_column(handle, c(col), c(col), width, workbook.format(style)), "worksheet_set_column")
    }

    /// The default format and width of the columns `cols`, as one `<col>` element.
    func columnFormat(_ cols: ClosedRange<Int>, width: Double, _ style: CellStyle) throws(ReportError) {
        try workbook.check(
            // A column format counts as written up to its last column (`dim_colmax`): the row
            // of cells is grown to it (`CellRow`).
            worksheet_set_column(handle, c(cols.lowerBound), c(cols.upperBound), width, workbook.format(style)),
            "worksheet_set_column")
    }

    func hide() { worksheet_hide(handle) }

    /// Gridlines on screen and on paper.
    func showGridlines() { worksheet_gridlines(handle, UInt8(LXW_SHOW_ALL_GRIDLINES.rawValue)) }

    /// A formula with a text result stored, written with a resolved format.
    func formula(_ row: Int, _ col: Int, _ formula: String, cachedText: String, _ format: XlsxFormat) throws(ReportError) {
        try workbook.check(
            worksheet_write_formula_str(handle, r(row), c(col), formula, format.pointer, cachedText), "worksheet_write_formula_str")
    }
}
