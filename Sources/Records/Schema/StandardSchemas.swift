import Exact

/// The sources of a month as issue 2 describes them: the fixed roster core and the default
/// declarations of the activity files, used when no rules are given.
///
/// The rules language declares its own activity sources (and may extend these); only the
/// roster's core fields are fixed, because pay and bank files depend on them.
public enum StandardSchemas {
    public static let roster = SourceSchema(
        name: "花名册", fileStems: ["cadres", "花名册", "roster"], role: .roster,
        fields: [
            FieldSpec("工号", aliases: ["cadre_id"], .text),
            FieldSpec("姓名", aliases: ["name"], .text),
            FieldSpec("身份证号", aliases: ["id_number"], .idNumber),
            FieldSpec("社区", aliases: ["community"], .text),
            FieldSpec("网格", aliases: ["grid"], .text, required: false),
            FieldSpec("岗位", aliases: ["post"], .text),
            FieldSpec("岗位等级", aliases: ["level"], .integer(min: 1, max: 99)),
            FieldSpec("入职日期", aliases: ["hired_on"], .date),
            FieldSpec("离职日期", aliases: ["left_on"], .date, required: false),
            FieldSpec("银行账号", aliases: ["bank_account"], .bankAccount),
            FieldSpec("开户行", aliases: ["bank"], .text, required: false),
            FieldSpec("手机", aliases: ["phone"], .phone, required: false),
            FieldSpec("专项附加扣除", aliases: ["special_deduction"], .money, required: false, nonNegative: true),
        ] + specialDeductionCategories.map { FieldSpec($0.name, aliases: [$0.alias], .money, required: false, nonNegative: true) },
        cadreField: "工号", keyField: "工号", isRequired: true
    )

    /// Optional roster columns: the month's amount of each category of 专项附加扣除 (and of
    /// 个人养老金), for the tax file's 累计… columns. A blank cell is 0. They complement the
    /// single 专项附加扣除 column, which keeps the part not split by category.
    public static let specialDeductionCategories: [(name: String, alias: String)] = [
        ("子女教育", "child_education"), ("继续教育", "continuing_education"), ("住房贷款利息", "mortgage_interest"),
        ("住房租金", "housing_rent"), ("赡养老人", "elderly_support"), ("婴幼儿照护", "infant_care"), ("个人养老金", "private_pension"),
    ]

    public static let duty = SourceSchema(
        name: "值班", fileStems: ["duty", "值班"], role: .activity,
        fields: [
            FieldSpec("工号", aliases: ["cadre_id"], .text),
            FieldSpec("日期", aliases: ["date"], .date),
            FieldSpec("班次", aliases: ["shift"], .enumeration(["白班", "晚班", "夜班", "节假日"])),
            FieldSpec("开始", aliases: ["start"], .time),
            FieldSpec("结束", aliases: ["end"], .time),
            FieldSpec("结束日期", aliases: ["end_date"], .date, required: false),
            FieldSpec("状态", aliases: ["status"], .enumeration(["到岗", "缺勤", "请假", "替班"])),
            FieldSpec("备注", aliases: ["note"], .text, required: false),
        ],
        dateField: "日期",
        shift: .init(start: "开始", end: "结束", endDate: "结束日期", status: "状态", absentStatuses: ["缺勤", "请假"])
    )

    public static let service = SourceSchema(
        name: "服务台账", fileStems: ["service", "服务台账"], role: .activity,
        fields: [
            FieldSpec("编号", aliases: ["record_id"], .text),
            FieldSpec("工号", aliases: ["cadre_id"], .text),
            FieldSpec("日期", aliases: ["date"], .date),
            FieldSpec("类别", aliases: ["kind"], .enumeration(["全程代办", "预约服务", "上门服务", "入户走访", "矛盾调解", "四点半课堂"])),
            FieldSpec("户号", aliases: ["household"], .text, required: false),
            FieldSpec("事项", aliases: ["matter"], .text),
            FieldSpec("状态", aliases: ["status"], .enumeration(["办结", "办理中", "退回"])),
            FieldSpec("满意度", aliases: ["satisfaction"], .enumeration(["满意", "基本满意", "不满意"]), optionalValue: true),
            FieldSpec("投诉", aliases: ["complaint"], .boolean),
            FieldSpec("用时", aliases: ["minutes"], .integer(min: 0, max: 1440), required: false),
        ],
        dateField: "日期", keyField: "编号"
    )

    public static let training = SourceSchema(
        name: "培训", fileStems: ["training", "培训"], role: .activity,
        fields: [
            FieldSpec("工号", aliases: ["cadre_id"], .text),
            FieldSpec("日期", aliases: ["date"], .date),
            FieldSpec("课程", aliases: ["course"], .text),
            FieldSpec("类型", aliases: ["kind"], .text),
            FieldSpec("学时", aliases: ["hours"], .decimal(scale: 2, min: Fixed(units: 1, scale: 2), max: Fixed(24))),
            FieldSpec("考核", aliases: ["result"], .enumerationOrScore(["合格", "不合格"], maxScore: 100)),
        ],
        dateField: "日期"
    )

    public static let adjustments = SourceSchema(
        name: "调整", fileStems: ["adjustments", "调整"], role: .adjustments,
        fields: [
            FieldSpec("工号", aliases: ["cadre_id"], .text),
            FieldSpec("项目", aliases: ["item"], .text),
            // One adjustment's bounds when the rules state no 调整分值上限 or 调整金额上限: against
            // extra digits only (the portal's tighter defaults are for one staff member's
            // decision); `MonthEvaluation.schemas` puts the rules' own.
            FieldSpec("分值", aliases: ["points"], .decimal(scale: 2, min: nil, max: nil), required: false,
                      limit: adjustmentPointsLimit),
            FieldSpec("金额", aliases: ["amount"], .money, required: false, limit: adjustmentAmountLimit),
            FieldSpec("原因", aliases: ["reason"], .text, optionalValue: true),
            FieldSpec("批准人", aliases: ["approved_by"], .text),
        ]
    )

    /// One adjustment's largest points and amount, either way, in the adjustments file when
    /// the rules state no 调整分值上限 or 调整金额上限: a bound against extra digits, wider than
    /// the portal's defaults (`AdjustmentLimits`), which only the portal applies.
    public static let adjustmentPointsLimit = Fixed(1000)
    public static let adjustmentAmountLimit = Fixed(1_000_000)

    /// Year-to-date balances for a county that starts jifen mid-year. A column `累计X`
    /// holds this year's total of the pay line named X before the first month jifen runs
    /// (`累计应发合计` for 应发合计); the aliases accept the usual payroll wording.
    public static let opening = SourceSchema(
        name: "期初", fileStems: ["opening", "期初"], role: .opening,
        fields: [
            FieldSpec("工号", aliases: ["cadre_id"], .text),
            FieldSpec("累计应发合计", aliases: ["累计收入", "ytd_income"], .money, nonNegative: true),
            FieldSpec("累计社保合计", aliases: ["累计社保", "ytd_social_insurance"], .money, nonNegative: true),
            FieldSpec("累计专项附加", aliases: ["累计专项附加扣除", "ytd_special_additional_deduction"], .money, nonNegative: true),
            FieldSpec("累计个人所得税", aliases: ["累计已预扣税额", "ytd_tax_withheld"], .money, nonNegative: true),
            FieldSpec("累计月数", aliases: ["ytd_months"], .integer(min: 0, max: 11), required: false),
        ],
        keyField: "工号"
    )

    /// The standard month: roster first, then the activity sources, adjustments, opening.
    public static let all: [SourceSchema] = [roster, duty, service, training, adjustments, opening]
}
