/// The words generated rows are made of, encoded once as UTF-8 bytes.
enum Vocabulary {
    enum ServiceKind: Int, CaseIterable {
        case proxy, appointment, homeVisitService, householdVisit, mediation

        var label: StaticString {
            switch self {
            case .proxy: "全程代办"
            case .appointment: "预约服务"
            case .homeVisitService: "上门服务"
            case .householdVisit: "入户走访"
            case .mediation: "矛盾调解"
            }
        }

        /// Minutes a case of this kind usually takes.
        var minutes: ClosedRange<Int> {
            switch self {
            case .proxy: 20...180
            case .appointment: 10...60
            case .homeVisitService: 30...120
            case .householdVisit: 15...60
            case .mediation: 30...240
            }
        }

        var matters: [[UInt8]] { Vocabulary.matters[rawValue] }
    }

    /// Case mix of grid workers (who walk their grid) and of the other cadres (at the hall).
    static let gridWorkerKindWeights = [15, 10, 20, 45, 10]
    static let hallKindWeights = [35, 25, 15, 15, 10]

    static let matters: [[[UInt8]]] = [
        [
            "代办医保参保登记", "代办养老资格认证", "代办低保申请", "代办残疾证申领", "代办居住证",
            "代办就业登记", "代办子女转学", "代办户口迁移", "代办临时救助", "代办高龄补贴",
            "代办社保卡补办", "代办计生证明",
        ],
        ["预约办理社保卡", "预约开具证明", "预约就业咨询", "预约办理老年证", "预约医保报销", "预约培训报名"],
        ["上门养老认证", "上门采集信息", "上门办理残疾补贴", "上门送医保卡", "上门低保复核", "上门代购药品"],
        ["走访就业情况", "走访留守儿童", "走访独居老人", "走访困难家庭", "走访新入住户", "走访务工家属", "排查安全隐患"],
        ["调解邻里噪音纠纷", "调解楼道杂物纠纷", "调解家庭矛盾", "调解物业费纠纷", "调解停车纠纷", "调解漏水纠纷", "调解工资纠纷"],
    ].map { $0.map { Array($0.utf8) } }

    static let leaveReasons: [[UInt8]] = ["事假", "病假", "年休假", "婚假", "陪护假"].map { Array($0.utf8) }
    static let absenceNotes: [[UInt8]] = ["未到岗，未请假", "未打卡，经核实缺勤", "值班期间脱岗"].map { Array($0.utf8) }

    struct Course {
        var title: String
        var kind: String
        /// Hours in tenths.
        var hours: Int
        var gridWorkersOnly: Bool
    }

    /// County-wide sessions, one a month, chosen by month number.
    static let countyCourses: [Course] = [
        Course(title: "社区治理能力提升专题培训", kind: "县级集中培训", hours: 60, gridWorkersOnly: false),
        Course(title: "易地扶贫搬迁后续扶持政策培训", kind: "县级集中培训", hours: 35, gridWorkersOnly: false),
        Course(title: "积分管理考核办法解读培训", kind: "县级集中培训", hours: 30, gridWorkersOnly: false),
        Course(title: "党风廉政建设专题教育", kind: "县级集中培训", hours: 40, gridWorkersOnly: false),
    ]

    static let communityCourses: [Course] = [
        Course(title: "网格化管理业务培训", kind: "业务培训", hours: 15, gridWorkersOnly: true),
        Course(title: "党史学习教育", kind: "党员学习", hours: 20, gridWorkersOnly: false),
        Course(title: "便民服务窗口礼仪培训", kind: "业务培训", hours: 10, gridWorkersOnly: false),
        Course(title: "矛盾纠纷排查化解培训", kind: "业务培训", hours: 25, gridWorkersOnly: false),
        Course(title: "消防安全知识培训", kind: "安全培训", hours: 10, gridWorkersOnly: false),
        Course(title: "贵州干部网络学院专题学习", kind: "网络学习", hours: 15, gridWorkersOnly: false),
    ]

    struct Adjustment {
        var item: String
        /// Points in tenths, or money in 分 (exactly one is set).
        var points: Int?
        var fen: Int64?
        /// The reason; `{日}` is replaced by a date such as `12月5日`.
        var reason: String
    }

    static let adjustments: [Adjustment] = [
        Adjustment(item: "值班补记", points: 20, reason: "{日}夜班签到机故障，经核实到岗，补记值班分"),
        Adjustment(item: "加分", points: 30, reason: "{日}成功调解邻里纠纷，群众送来锦旗"),
        Adjustment(item: "加分", points: 15, reason: "{日}参加县级应急演练表现突出"),
        Adjustment(item: "扣分", points: -20, reason: "{日}值班期间脱岗，经核实扣分"),
        Adjustment(item: "扣分", points: -10, reason: "{日}服务台账漏登，补录后扣分"),
        Adjustment(item: "交通补贴", fen: 15000, reason: "{日}上门服务偏远安置户，补贴交通费"),
        Adjustment(item: "扣回多发", fen: -20000, reason: "上月绩效多发，经财务核对于{日}扣回"),
        Adjustment(item: "值班补助", fen: 30000, reason: "{日}延时服务加班补助"),
    ]
}
