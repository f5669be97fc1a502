import Exact

/// Why a field's text could not become a value of its type. Held as data; worded by
/// `RecordProblem.diagnostic`.
public enum ValueProblem: Error, Sendable, Hashable {
    case missing
    case notANumber
    case notAnInteger
    case tooManyPlaces(allowed: Int)
    case outOfRange
    case notADate
    case notATime
    case notABoolean
    case notInEnumeration
    /// An xlsx cell held a long digit string as a number, and Excel kept only 15 digits.
    case storedAsNumber
    case idNumber(IDNumberProblem)
    case bankAccountDigits
    case phoneDigits
    /// A number whose size cannot be right: beyond `limit` either way (the field's or the
    /// rules' bound, `FieldSpec.limit`; `rule` names the rules' parameter when it set it).
    case beyondLimit(limit: Fixed, rule: String?)
    /// An xlsx formula whose value was never calculated (no cached value).
    case uncalculatedFormula
    /// A negative amount where none can be (`FieldSpec.nonNegative`).
    case negative
}

/// What is wrong with a resident ID number (GB 11643).
public enum IDNumberProblem: Sendable, Hashable {
    case length(Int)
    case characters
    case checkDigit(expected: Character)
    case birthDate
}
