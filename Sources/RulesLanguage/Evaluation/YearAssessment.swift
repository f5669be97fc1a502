import Diagnostics
import Exact
import Records
import Results

/// The annual article (年度考核) as the batch calls it. CONTRACT between the year's parts:
/// the batch (`jifen year run`) asks which items and pay lines to read, builds a `YearInput`
/// from the store and asks for the `YearResults`.
///
/// The annual article's syntax, checking and evaluation replace this placeholder's body; until
/// they land, no rules have an annual article.
extension CheckedRules {
    /// Whether the rules declare a 年度考核.
    public var hasYearAssessment: Bool { false }

    /// The score lines and pay lines the annual article reads from each month (and the pay
    /// lines 年度个税明细 lists), so the store reads only those.
    public func yearInputNeeds(year: Int) -> (items: [String], payLines: [String]) { ([], []) }

    /// Assesses the year: annual scores, tiers, ranks and the annual pay lines with their
    /// traces; or the problems that stop it (each a located `Diagnostic`).
    public func assessYear(_ input: YearInput) -> Result<YearResults, YearAssessmentFailure> {
        .failure(YearAssessmentFailure(diagnostics: []))
    }
}

/// Why a year could not be assessed: every problem at once.
public struct YearAssessmentFailure: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
