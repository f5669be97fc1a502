import Exact

/// A cadre offered in a template's 工号 dropdown.
public struct TemplateCadre: Sendable, Hashable {
    public var id: String
    public var name: String
    public var community: String

    public init(id: String, name: String, community: String) {
        self.id = id
        self.name = name
        self.community = community
    }
}

/// What the templates of a month are made for: the month, the community, the cadres.
public struct TemplateSettings: Sendable {
    public var month: YearMonth
    /// The community the templates are for; nil for the whole county.
    public var community: String?
    /// The cadres offered in 工号 dropdowns (those of `community` when it is set), in roster
    /// order. Empty when no roster was found: 工号 is then typed freely.
    public var cadres: [TemplateCadre]
    /// Every community of the roster, offered in the roster's 社区 column.
    public var communities: [String]
    /// Rows prepared below the header with the 姓名 formula beside 工号; at least 200.
    public var rows: Int
    /// Where the cadres came from (`samples/2020-12/cadres.csv`), noted in the document's
    /// comments.
    public var rosterNote: String
    public var author: String

    public init(
        month: YearMonth, community: String? = nil, cadres: [TemplateCadre] = [], communities: [String] = [],
        rows: Int? = nil, rosterNote: String = "", author: String = "jifen"
    ) {
        self.month = month
        self.community = community
        self.cadres = cadres
        self.communities = communities
        // A cadre has at most a few records a day: a month of one each by default.
        self.rows = max(200, min(rows ?? cadres.count * month.dayCount, 20_000))
        self.rosterNote = rosterNote
        self.author = author
    }

    /// The document time: the month's first day, so the same month gives the same bytes.
    var createdSeconds: Int { Int(month.firstDay.daysSinceEpoch) * 86_400 }
}
