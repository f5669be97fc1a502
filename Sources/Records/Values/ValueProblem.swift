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
}

/// What is wrong with a resident ID number (GB 11643).
public enum IDNumberProblem: Sendable, Hashable {
    case length(Int)
    case characters
    case checkDigit(expected: Character)
    case birthDate
}
