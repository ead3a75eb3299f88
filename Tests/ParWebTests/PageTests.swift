import Foundation
import NIOHTTP1
import ParCore
import Testing
import Vapor
import VaporTesting
@testable import ParWeb

@Suite("Pages")
struct PageTests {
    @Test("anonymous visitors are sent to the login page, which is Vietnamese first with English on request")
    func anonymous() async throws {
        try await withTestApp { app, _ in
            try await app.testing().test(.GET, "/units") { res in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/login?next=%2Funits")
            }
            try await app.testing().test(.GET, "/login") { res in
                #expect(res.body.string.contains(#"<html lang="vi">"#))
                #expect(res.body.string.contains(#"<label for="username">Tên đăng nhập</label>"#))
            }
            try await app.testing().test(.GET, "/login?lang=en") { res in
                #expect(res.body.string.contains(#"<html lang="en">"#))
                #expect(res.headers.setCookie?["lang"]?.string == "en")
            }
        }
    }

    @Test("a wrong password re-renders the form with an error summary and 401")
    func wrongPassword() async throws {
        try await withTestApp { app, fixture in
            var cookie = "", csrf = ""
            try await app.testing().test(.GET, "/login") { res in
                cookie = sessionCookie(res); csrf = hiddenCSRF(res.body.string)
            }
            try await app.testing().test(.POST, "/login", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: cookie)
                try req.content.encode(["username": fixture.users[.administrator]!.username, "password": "sai-mat-khau",
                                        "_csrf": csrf], as: .urlEncodedForm)
            }, afterResponse: { res in
                #expect(res.status == .unauthorized)
                #expect(res.body.string.contains("error-summary"))
            })
        }
    }

    @Test("a form posted without its CSRF token is refused")
    func csrf() async throws {
        try await withTestApp { app, fixture in
            let cookie = try await signIn(app, username: fixture.users[.administrator]!.username)
            try await app.testing().test(.POST, "/admin/users", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: cookie)
                try req.content.encode(["username": "ke.gian", "displayName": "X", "password": "mat-khau-dai-du"], as: .urlEncodedForm)
            }, afterResponse: { res in
                #expect(res.status == .forbidden)
            })
        }
    }

    @Test("each role sees its own department's page and is refused the neighbour's", arguments: Role.allCases)
    func unitPages(role: Role) async throws {
        try await withTestApp { app, fixture in
            let cookie = try await signIn(app, username: fixture.users[role]!.username)
            let headers: HTTPHeaders = ["Cookie": cookie, "Accept": "text/html"]
            let canView = role.permissions.contains(.viewRegistry)
            try await app.testing().test(.GET, "/units/\(fixture.justice.id)", headers: headers) { res in
                #expect(res.status == (canView ? .ok : .forbidden))
                if canView { #expect(res.body.string.contains(#"<h1 lang="vi">Sở Tư pháp</h1>"#)) }
            }
            try await app.testing().test(.GET, "/units/\(fixture.health.id)", headers: headers) { res in
                #expect(res.status == .forbidden)
                #expect(res.body.string.contains("Không có quyền"))
            }
            try await app.testing().test(.GET, "/", headers: headers) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains(fixture.users[role]!.username))
            }
            try await app.testing().test(.GET, "/admin/users", headers: headers) { res in
                #expect(res.status == (role == .administrator ? .ok : .forbidden))
            }
        }
    }

    @Test("an administrator creates a user and grants a role through the forms, and every step is audited")
    func adminJourney() async throws {
        try await withTestApp { app, fixture in
            let cookie = try await signIn(app, username: fixture.users[.administrator]!.username)
            var csrf = ""
            try await app.testing().test(.GET, "/admin/users", headers: ["Cookie": cookie]) { res in
                csrf = hiddenCSRF(res.body.string)
            }
            var userPath = ""
            try await app.testing().test(.POST, "/admin/users", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: cookie)
                try req.content.encode(["username": "motcua.moi", "displayName": "Trần Thị Bình",
                                        "password": "mat-khau-dai-du", "_csrf": csrf], as: .urlEncodedForm)
            }, afterResponse: { res in
                #expect(res.status == .seeOther)
                userPath = res.headers.first(name: .location) ?? ""
            })
            try await app.testing().test(.POST, userPath + "/grants", beforeRequest: { req in
                req.headers.replaceOrAdd(name: .cookie, value: cookie)
                try req.content.encode(["role": "counter_officer", "unitKey": "dept:y-te", "_csrf": csrf], as: .urlEncodedForm)
            }, afterResponse: { res in
                #expect(res.status == .seeOther)
            })
            try await app.testing().test(.GET, userPath, headers: ["Cookie": cookie]) { res in
                #expect(res.body.string.contains("Sở Y tế"))
                #expect(res.body.string.contains("Công chức một cửa"))
            }
            let newcomer = try await signIn(app, username: "motcua.moi", password: "mat-khau-dai-du")
            try await app.testing().test(.GET, "/units/\(fixture.health.id)", headers: ["Cookie": newcomer]) { res in
                #expect(res.status == .ok)
            }
        }
    }

    @Test("the unit tree and search find units without accents, and the restructuring page renders its table")
    func treeAndReport() async throws {
        try await withTestApp { app, fixture in
            let cookie = try await signIn(app, username: fixture.users[.administrator]!.username)
            try await app.testing().test(.GET, "/units", headers: ["Cookie": cookie]) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("Sở Tư pháp"))
            }
            try await app.testing().test(.GET, "/units?q=so+tu+phap", headers: ["Cookie": cookie]) { res in
                #expect(res.body.string.contains("Sở Tư pháp"))
                #expect(!res.body.string.contains("Sở Y tế"))
            }
            try await app.testing().test(.GET, "/reports/restructuring?unit=\(fixture.justice.id)&from=2024-01-01&to=2025-01-01",
                                         headers: ["Cookie": cookie]) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("<caption>"))
            }
        }
    }
}

@Suite("The start page")
struct StartPageTests {
    @Test("a visitor at / gets the citizen's start page: search first, the three tasks, the public results, staff sign-in; an officer gets their home")
    func start() async throws {
        try await withTestApp { app, fixture in
            try await app.testing().test(.GET, "/") { res in
                let page = res.body.string
                #expect(res.status == .ok)
                let html = String(page[try #require(page.range(of: #"id="main""#)).upperBound...])
                let search = try #require(html.range(of: #"<form method="get" action="/procedures""#))
                let tasks = try #require(html.range(of: #"href="/lookup">Tra cứu hồ sơ"#))
                #expect(search.lowerBound < tasks.lowerBound, "the search comes first")
                #expect(html.contains(#"href="/feedback/new""#) && html.contains(#"href="/citizen">Nộp hồ sơ trực tuyến"#))
                #expect(html.contains(#"href="/portal/service-index""#) && html.contains(#"<a href="/login">Đăng nhập</a></p>"#))
                #expect(!html.contains(#"name="password""#), "no staff form as the page")
            }
            try await app.testing().test(.GET, "/", headers: ["Accept-Language": "en"]) { res in
                #expect(res.body.string.contains("Find an administrative procedure"))
            }
            let cookie = try await signIn(app, username: fixture.users[.counterOfficer]!.username)
            try await app.testing().test(.GET, "/", headers: ["Cookie": cookie]) { res in
                #expect(res.status == .ok && res.body.string.contains(fixture.users[.counterOfficer]!.username) && !res.body.string.contains("start-q"))
            }
        }
    }
}
