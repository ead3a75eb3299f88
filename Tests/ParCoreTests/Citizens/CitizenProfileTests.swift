import ParCore
import Testing

@Suite("A citizen's account: e-mail and profile")
struct CitizenProfileTests {
    @Test("the profile is cleaned; a bad name, phone or ID number names its field", arguments: [
        ("  Nguyễn  Văn An ", " 0912 345 678 " as String?, "001090012345" as String?, nil as String?),
        ("", nil, nil, "name"),
        (String(repeating: "a", count: 201), nil, nil, "name"),
        ("An", "09-12", nil, "phone"),
        ("An", nil, "001-090", "idNumber"),
        ("An", String(repeating: "1", count: 21), nil, "phone"),
    ])
    func profile(name: String, phone: String?, idNumber: String?, field: String?) throws {
        do {
            let clean = try Citizen.profile(name: name, phone: phone, idNumber: idNumber)
            #expect(field == nil)
            #expect(clean.name == "Nguyễn Văn An" && clean.phone == "0912 345 678" && clean.idNumber == "001090012345")
        } catch {
            #expect(error.field == field)
        }
        #expect(try Citizen.profile(name: "An", phone: "  ", idNumber: "").phone == nil, "empty is none")
    }

    @Test("an e-mail address is keyed in lower case; anything else is refused on its field")
    func email() throws {
        #expect(try Citizen.checkedEmail(" An@Example.VN ") == "an@example.vn")
        #expect(throws: DomainError.self) { try Citizen.checkedEmail("an@example") }
        #expect(throws: DomainError.self) { try Citizen.checkedEmail("a n@example.vn") }
    }

    @Test("one-time codes: three to an address in 15 minutes; five tries; six digits, spaces and dashes ignored", arguments: [
        (0, "123456", "123456" as String?, nil as DomainError?), (4, " 123-456 ", "123456", nil), (4, "12345", nil, nil),
        (4, "1234567", nil, nil), (4, "abcdef", nil, nil), (5, "123456", nil, OneTimeCodeRules.wrongOrExpired),
        (9, "123456", nil, OneTimeCodeRules.wrongOrExpired),
    ])
    func oneTimeCode(attempts: Int, typed: String, tried: String?, refusal: DomainError?) throws {
        do {
            #expect(try OneTimeCodeRules.checkTry(typed, attemptsSoFar: attempts) == tried)
            #expect(refusal == nil)
        } catch {
            #expect(error == refusal)
        }
        for issued in 0...4 {
            do {
                try OneTimeCodeRules.checkIssuable(issuedInWindow: issued)
                #expect(issued < 3)
            } catch {
                #expect(issued >= 3 && error.kind == .conflict && error.field == "email")
            }
        }
        for purpose in [OneTimeCodeRules.Purpose.signIn, .feedback] {
            let message = purpose.message("042917")
            #expect(message.subject.hasSuffix("042917") && message.body.contains("042917") && message.body.contains("10 minutes"))
        }
    }
}
