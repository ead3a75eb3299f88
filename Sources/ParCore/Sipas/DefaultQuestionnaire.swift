import Foundation

extension Questionnaire {
    /// The questionnaire ParHub ships, following the structure of the SIPAS methodology
    /// (Decision 1001/QĐ-BNV, 2023): five aspects, each with perception questions, a
    /// satisfaction question and expectations, then an overall question. PAR officers
    /// publish their own versions from it.
    public static let sipas2023 = Questionnaire(
        version: "sipas-2023", name: "Phiếu khảo sát sự hài lòng (SIPAS 2023)",
        sections: [
            Section(aspect: .access, perceptions: [
                Item("seats", "Nơi ngồi chờ có đủ chỗ ngồi", "There were enough seats while waiting"),
                Item("equipment", "Trang thiết bị phục vụ đầy đủ, dễ sử dụng", "The equipment was adequate and easy to use"),
                Item("online", "Dễ dàng tìm thông tin và nộp hồ sơ trực tuyến", "Information and online submission were easy to find"),
            ], satisfaction: BilingualText("Ông/Bà hài lòng thế nào về việc tiếp cận dịch vụ?", "How satisfied are you with access to the service?"),
            expectations: [
                Item("more_online", "Mở rộng nộp hồ sơ, thanh toán trực tuyến", "More online submission and payment"),
                Item("waiting_room", "Nơi chờ tiện nghi hơn", "A more comfortable waiting area"),
                Item("shorter_wait", "Rút ngắn thời gian chờ tại quầy", "Shorter waiting at the counter"),
            ]),
            Section(aspect: .procedure, perceptions: [
                Item("published", "Thủ tục được niêm yết công khai đầy đủ", "The procedure was published in full"),
                Item("documents", "Thành phần hồ sơ phải nộp đúng quy định", "Only the documents the law requires were asked for"),
                Item("fees", "Phí, lệ phí phải nộp đúng quy định", "The fees were those the law sets"),
                Item("deadline", "Thời hạn giải quyết đúng quy định", "The time limit was the one the law sets"),
            ], satisfaction: BilingualText("Ông/Bà hài lòng thế nào về thủ tục hành chính?", "How satisfied are you with the procedure?"),
            expectations: [
                Item("fewer_documents", "Giảm thành phần hồ sơ", "Fewer documents"),
                Item("lower_fees", "Giảm phí, lệ phí", "Lower fees"),
                Item("shorter_time", "Rút ngắn thời hạn giải quyết", "A shorter time limit"),
            ]),
            Section(aspect: .civilServant, perceptions: [
                Item("polite", "Công chức giao tiếp lịch sự", "The civil servant was polite"),
                Item("listened", "Công chức chú ý lắng nghe", "The civil servant listened"),
                Item("explained", "Công chức hướng dẫn đầy đủ, dễ hiểu", "The civil servant explained fully and clearly"),
                Item("no_harassment", "Công chức không gây phiền hà, nhũng nhiễu", "The civil servant caused no trouble and asked for nothing"),
            ], satisfaction: BilingualText("Ông/Bà hài lòng thế nào về công chức trực tiếp giải quyết?", "How satisfied are you with the civil servant?"),
            expectations: [
                Item("attitude", "Thái độ phục vụ tốt hơn", "A better attitude"),
                Item("guidance", "Hướng dẫn rõ ràng hơn", "Clearer guidance"),
                Item("competence", "Năng lực giải quyết công việc tốt hơn", "More competence"),
            ]),
            Section(aspect: .result, perceptions: [
                Item("lawful", "Kết quả đúng quy định", "The result was lawful"),
                Item("accurate", "Kết quả có thông tin đầy đủ, chính xác", "The result was complete and accurate"),
                Item("on_time", "Nhận kết quả đúng hẹn", "The result came by the appointment"),
            ], satisfaction: BilingualText("Ông/Bà hài lòng thế nào về kết quả giải quyết?", "How satisfied are you with the result?"),
            expectations: [
                Item("punctual", "Trả kết quả đúng hẹn", "Results on time"),
                Item("delivery", "Trả kết quả qua bưu chính hoặc bản điện tử", "Results by post or electronically"),
                Item("accuracy", "Kết quả chính xác hơn", "More accurate results"),
            ]),
            Section(aspect: .feedback, perceptions: [
                Item("channel", "Có hình thức để góp ý, phản ánh", "There was a way to give feedback"),
                Item("handled", "Góp ý, phản ánh (nếu có) được tiếp nhận, xử lý kịp thời", "Feedback (if any) was taken up and handled in time"),
            ], satisfaction: BilingualText("Ông/Bà hài lòng thế nào về việc tiếp nhận, xử lý góp ý?", "How satisfied are you with the handling of feedback?"),
            expectations: [
                Item("publish_answers", "Công khai kết quả xử lý phản ánh", "Publish the answers to feedback"),
                Item("faster_answers", "Phản hồi nhanh hơn", "Faster answers"),
                Item("more_channels", "Thêm kênh góp ý", "More ways to give feedback"),
            ]),
        ],
        overall: BilingualText("Nhìn chung, Ông/Bà hài lòng thế nào về dịch vụ đã sử dụng?", "Overall, how satisfied are you with the service?"),
        freeText: BilingualText("Ông/Bà có góp ý gì để cơ quan phục vụ tốt hơn?", "Anything else that would help us serve you better?"))
}
