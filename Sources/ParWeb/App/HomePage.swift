import ParCore
import Vapor

/// The signed-in user's units and what they may do there.
enum HomePage {
    static func register(_ routes: any RoutesBuilder) {
        routes.get(Paths.home.pattern, use: show)
    }

    struct GrantRow: Encodable {
        let role: String
        let unitName: String
        let unitLink: String
        let permissions: [String]
    }

    /// A year without the Government's decision on days off, for those who enter it.
    struct MissingYear: Encodable {
        let year: Int
        let link: String
    }

    struct Context: Encodable {
        let grants: [GrantRow]
        let missingYears: [MissingYear]
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let principal = try request.requirePrincipal()
        let en = Language.of(request) == .en
        var rows: [GrantRow] = []
        for grant in principal.grants {
            let unit = try await request.units.find(grant.unitID)?.unit
            rows.append(GrantRow(role: en ? grant.role.english : grant.role.vietnamese,
                                 unitName: unit?.name ?? "—", unitLink: Paths.unit.link(grant.unitID),
                                 permissions: grant.role.permissions.map { label($0, en: en) }.sorted()))
        }
        var missing: [MissingYear] = []
        if principal.mayAnywhere(.editCalendar) {
            missing = try await CalendarCoverageCheck.missingYears(request.db, now: request.now)
                .map { MissingYear(year: $0, link: Paths.calendarEdit.link($0)) }
        }
        return try await Page.render("home", title: Messages.text("ui.home", Language.of(request)),
                                     context: Context(grants: rows, missingYears: missing), request: request)
    }

    static func label(_ permission: Permission, en: Bool) -> String {
        switch permission {
        case .viewRegistry: en ? "View units" : "Xem đơn vị"
        case .editRegistry: en ? "Edit units and reorganisations" : "Sửa đơn vị, sắp xếp tổ chức"
        case .viewQuotas: en ? "View staff quotas" : "Xem biên chế"
        case .editQuotas: en ? "Edit staff quotas" : "Sửa biên chế"
        case .viewRestructuring: en ? "Restructuring report" : "Báo cáo sắp xếp tổ chức"
        case .viewAudit: en ? "Audit log" : "Xem nhật ký"
        case .manageUsers: en ? "Manage users and roles" : "Quản lý người dùng, phân quyền"
        case .importUnits: en ? "Import units" : "Nhập dữ liệu đơn vị"
        case .editCatalogue: en ? "Publish procedures (TTHC)" : "Công bố, sửa thủ tục hành chính"
        case .editCalendar: en ? "Enter the year's holidays and swaps" : "Cập nhật lịch nghỉ lễ, hoán đổi ngày làm việc"
        case .viewDossiers: en ? "View dossiers" : "Xem hồ sơ"
        case .receiveDossiers: en ? "Receive dossiers and return results" : "Tiếp nhận hồ sơ, trả kết quả"
        case .processDossiers: en ? "Process dossiers" : "Xử lý hồ sơ"
        case .viewIndex: en ? "Service index and rankings" : "Xem chỉ số phục vụ, xếp hạng"
        case .editIndex: en ? "Set plan targets and indicators" : "Đặt chỉ tiêu kế hoạch, bộ chỉ số"
        case .viewSatisfaction: en ? "Satisfaction index and comments" : "Xem mức độ hài lòng, góp ý"
        case .runSurveys: en ? "Questionnaires, sample surveys, satisfaction targets" : "Bảng hỏi, khảo sát chọn mẫu, chỉ tiêu hài lòng"
        case .viewPlans: en ? "PAR plans, overdue tasks, commitments, discipline" : "Xem kế hoạch CCHC, nhiệm vụ quá hạn, cam kết, kỷ luật"
        case .editPlans: en ? "Write plans, tasks, commitments, meetings" : "Lập kế hoạch, nhiệm vụ, cam kết, cuộc họp"
        case .viewInspections: en ? "PAR inspections" : "Xem kiểm tra CCHC"
        case .manageInspections: en ? "Plan inspections, record findings" : "Lập kế hoạch kiểm tra, ghi nhận kết quả"
        case .handleFeedback: en ? "Handle citizens' feedback" : "Xử lý phản ánh, kiến nghị"
        case .selfAssess: en ? "PAR index self-assessment" : "Tự đánh giá Chỉ số CCHC"
        case .appraiseParIndex: en ? "PAR index criteria and appraisal" : "Bộ tiêu chí, thẩm định Chỉ số CCHC"
        case .operateDesk: en ? "Work a service centre desk" : "Làm việc tại quầy trung tâm phục vụ"
        case .manageCentre: en ? "Set up the service centre, queue statistics, payment reconciliation" : "Thiết lập trung tâm, thống kê xếp hàng, đối soát thanh toán"
        case .exportPortal: en ? "Export to the National Public Service Portal" : "Đồng bộ lên Cổng Dịch vụ công quốc gia"
        }
    }
}
