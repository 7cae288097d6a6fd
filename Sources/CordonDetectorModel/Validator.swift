/// A structural or checksum check that a detector's value must pass.
///
/// Validators are named in detector files (`validators: [luhn]`). They turn a pattern that
/// merely looks right into one that is right: a 16-digit number is a card number only when its
/// Luhn digit checks, a `ghp_` token only when its CRC32 suffix matches.
public enum Validator: String, Sendable, Hashable, CaseIterable {
    /// Payment card numbers: 12–19 digits with a valid Luhn check digit.
    case luhn
    /// IBANs: the per-country length and the ISO 7064 mod-97 check.
    case ibanMod97 = "iban_mod97"
    /// US social security numbers: no 000/666 area, 00 group or 0000 serial, not an ITIN.
    case usSSN = "us_ssn"
    /// GitHub tokens: the last 6 characters are the base62 CRC32 of the 30 before them.
    case githubChecksum = "github_checksum"
    /// JSON Web Tokens: base64url JSON header (with `alg`) and payload.
    case jwt
    /// US individual taxpayer identification numbers: 9xx with an allocated middle group.
    case usITIN = "us_itin"
    /// UK National Insurance numbers: allocated prefix letters, six digits, suffix A–D.
    case ukNINO = "uk_nino"
    /// UK NHS numbers: 10 digits with a mod-11 check digit.
    case nhsMod11 = "nhs_mod11"
    /// US ABA bank routing numbers: 3-7-1 weighted checksum and a Federal Reserve prefix.
    case abaRouting = "aba_routing"
    /// Canadian social insurance numbers: 9 Luhn-valid digits.
    case caSIN = "ca_sin"
    /// Indian Aadhaar numbers: 12 digits with a Verhoeff check digit.
    case aadhaarVerhoeff = "aadhaar_verhoeff"
    /// Base58Check strings (Bitcoin legacy and P2SH addresses, WIF keys): double-SHA-256 checksum.
    case base58Check = "base58check"
    /// Bech32 and Bech32m strings (SegWit addresses): BCH checksum.
    case bech32
    /// Ethereum addresses: EIP-55 mixed-case Keccak-256 checksum (single-case addresses pass).
    case eip55
    /// Phone numbers as written: 7–15 digits, not one repeated digit, and not a date, a time, an
    /// IPv4 address or a dotted version.
    case phoneNumber = "phone_number"
}
