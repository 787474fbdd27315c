// Chinese first, English on request.
const STRINGS = {
  app: ["网点服务检查", "Outlet Service Inspection"],
  username: ["用户名", "Username"], password: ["密码", "Password"], login: ["登录", "Log in"],
  logout: ["退出", "Log out"], lang: ["English", "中文"],
  overdue: ["已逾期", "Overdue"], due: ["今日待办", "Due now"], upcoming: ["即将开始", "Upcoming"],
  done: ["已完成", "Done"], my_drafts: ["我的草稿", "My drafts"], none: ["暂无", "Nothing here"],
  start: ["开始", "Start"], continue: ["继续", "Continue"], view: ["查看", "View"],
  window: ["时间窗口", "Window"], sync_now: ["立即同步", "Sync now"],
  window_not_open: ["时间窗口尚未开始，暂不能开始暗访", "The window has not opened yet: the visit cannot start before it"],
  window_closed: ["时间窗口已结束，不能再开始暗访", "The window has closed: the visit can no longer start"],
  unsent: ["%n 项未发送，最早于 %t", "%n not yet sent, oldest at %t"], all_sent: ["全部已发送", "All sent"],
  offline: ["离线", "Offline"], online: ["在线", "Online"],
  pass: ["合格", "Pass"], fail: ["不合格", "Fail"], na: ["不适用", "N/A"],
  note: ["备注", "Note"], staff: ["涉及员工", "Staff member"], staff_desc: ["员工描述（岗位、外貌、窗口）",
    "Describe the person (role, appearance, window)"],
  add_photo: ["拍照", "Take photo"], photos: ["照片", "Photos"], sign_here: ["请在此签名", "Sign here"],
  clear: ["清除", "Clear"], save_signature: ["确认签名", "Save signature"], signed: ["已签名", "Signed"],
  timer_start: ["开始计时", "Start timer"], timer_stop: ["停止计时", "Stop timer"], seconds: ["秒", "s"],
  review: ["检查并提交", "Review and submit"], submit: ["提交", "Submit"], back: ["返回", "Back"],
  missing: ["尚未完成", "Still to do"], complete: ["全部完成，可以提交", "Complete, ready to submit"],
  queued: ["已排队，联网后自动提交", "Queued; it will be sent when online"],
  receipt: ["提交回执", "Receipt"], score: ["得分", "Score"], grade: ["等级", "Grade"],
  findings: ["问题", "Findings"], hash: ["内容哈希", "Content hash"], server_time: ["服务器时间", "Server time"],
  home: ["首页", "Home"], narrative: ["暗访经过", "Narrative"], needs_answer: ["需作答", "needs an answer"],
  needs_photo: ["需拍照", "needs a photo"], needs_staff: ["需指明员工", "needs the staff member"],
  logout_warn: ["还有 %n 项未发送。退出后它们仍保存在本机，重新登录后会继续发送。确定退出？",
    "%n items are not sent yet. They stay on this device and are sent after you log in again. Log out?"],
  error: ["出错", "Error"], choose: ["请选择", "Choose"], live_score: ["当前得分", "Live score"],
  new_inspection: ["新建检查", "New inspection"], checklist: ["检查表", "Checklist"], outlet: ["网点", "Outlet"],
  create: ["创建", "Create"], submitted: ["已提交", "Submitted"], draft: ["草稿", "Draft"],
  login_failed: ["登录失败", "Login failed"], need_online_login: ["首次登录需要联网", "The first login needs a network"],
  kind_onsite: ["月度现场检查", "Monthly on-site"], kind_7s: ["7S检查", "7S audit"],
  deadline: ["整改期限", "Deadline"], respond: ["反馈整改情况", "Respond"],
  what_was_done: ["整改措施及完成情况", "What was done"], download_notice: ["下载整改通知书", "Download the notice"],
  arrive: ["到店", "Arrived"], leave: ["离店", "Leaving"], arrived_at: ["到店时间", "Arrived at"],
  left_at: ["离店时间", "Left at"], revision: ["退回修改", "Returned for revision"],
  narrative_guidance: ["按时间顺序叙述到达、等候、办理、咨询和离开的经过；涉及员工时只写岗位、窗口号和外貌特征，不写姓名。",
    "Describe arrival, waiting, the transaction, the advice and leaving in time order; refer to staff only by role, window number and appearance, never by name."],
  kind_remote: ["实时非现场检查", "Remote real-time"], kind_mystery: ["神秘人暗访", "Mystery visit"],
  // The outlet's findings: states, the thread, and what a response still lacks.
  status_open: ["待整改", "Open"], status_responded: ["待验证", "Awaiting check"], status_closed: ["已关闭", "Closed"],
  status_returned: ["已退回，需重新整改", "Returned: fix it again"], all: ["全部", "All"],
  sending: ["正在发送…", "Sending…"],
  send_failed: ["发送失败", "Not sent"], return_reason: ["退回原因", "Why it was returned"],
  history: ["整改记录", "History"], earlier: ["更早的记录", "Earlier entries"],
  history_offline: ["离线：显示上次联网时的记录", "Offline: the history as last seen online"],
  event_raised: ["检查发现问题", "Finding raised"], event_response: ["网点反馈整改", "The outlet's response"],
  event_accepted: ["验证通过，已关闭", "Accepted, closed"], event_rejected: ["验证未通过，已退回", "Not accepted, returned"],
  need_text: ["请填写整改措施及完成情况", "Say what was done"],
  need_photo: ["请至少拍一张整改后的照片", "Add at least one photo taken after the fix"],
  notices: ["整改通知书", "Notices"], download_pdf: ["下载 PDF", "Download PDF"], issued: ["下发于", "Issued"],
  revise: ["修改", "Revise"],
  newer_elsewhere: ["以下检查项在另一台设备上有更晚的修改，已采用该修改：", "These items were changed later on another device; that change is kept: "],
  got_it: ["知道了", "OK"],
  requirement: ["整改要求", "Requirement"], notice: ["整改通知书", "Rectification notice"],
  so_far: ["（暂计）", " (so far)"],
  filter: ["筛选", "Filter"], show_closed: ["已关闭的问题 (%n)", "Closed findings (%n)"],
  closed_newest: ["显示最近关闭的 %n 个，共 %total 个；更早的请在网页“整改”中查看。",
    "The %n most recently closed of %total; older ones are on the web page Rectification."],
  answered_late: ["逾期回复", "Answered late"],
  // Complaints: intake, the outlet's list, one complaint's timeline and its next step.
  complaints: ["我的投诉", "Complaints"], new_complaint: ["投诉登记", "Record a complaint"],
  c_staff: ["涉及员工（可不填）", "Staff involved (optional)"], c_no_staff: ["不涉及具体员工", "No one in particular"],
  c_channel: ["投诉渠道", "Channel"], c_category: ["投诉类别", "Category"], c_severity: ["严重程度", "Severity"],
  c_customer: ["客户姓名", "Customer's name"], c_phone: ["联系电话", "Phone"],
  c_description: ["投诉内容（经过）", "What happened"], c_description_short: ["投诉内容", "Complaint"], c_request: ["客户诉求", "What the customer asks for"],
  c_photos: ["现场照片", "Photos"], c_save: ["保存并发送", "Save and send"],
  c_saved_waiting: ["已保存，待发送", "Saved, waiting to be sent"], c_sent: ["已发送", "Sent"],
  c_send_failed: ["未被受理，请修改", "Not accepted: correct it"], c_fix: ["修改", "Correct"],
  c_discard: ["删除", "Delete"], c_discard_confirm: ["删除这条未发送的投诉登记？", "Delete this unsent complaint?"],
  c_need_customer: ["请填写客户姓名", "Enter the customer's name"],
  c_need_description: ["请填写投诉内容", "Say what happened"], c_need_choice: ["请选择", "Choose one"],
  c_bad_phone: ["电话只能包含数字", "A phone number has digits only"],
  c_received_on: ["受理日期", "Received"], c_step_due: ["本步期限", "Step due"], c_due: ["办结期限", "Resolve by"],
  c_overdue: ["逾期", "Overdue"], c_handler: ["经办人", "Handler"], c_no_handler: ["未指定", "Not assigned"],
  c_reopened: ["重开 %n 次", "Reopened %n times"], c_upheld: ["属实", "Upheld"], c_not_upheld: ["不属实", "Not upheld"],
  c_timeline: ["处理经过", "Timeline"], c_next_step: ["下一步", "Next step"], c_more: ["加载更多", "More"],
  c_shown: ["共 %total 件，已显示 %n 件", "%n of %total shown"], c_offline_list: ["离线：显示上次联网时的列表",
    "Offline: the list as last seen online"], c_offline_step: ["需联网才能办理", "Needs a network to take a step"],
  c_unsent: ["待发送的投诉登记", "Complaints waiting to be sent"],
  step_acknowledge: ["受理", "Acknowledge"], step_investigate: ["登记调查结果", "Record the investigation"],
  step_resolve: ["登记办结情况", "Record the resolution"], step_call_back: ["登记回访结果", "Record the callback"], step_close: ["结案", "Close"],
  c_note: ["说明", "Note"], c_note_investigate: ["调查情况", "What was found"],
  c_note_resolve: ["处理结果", "What was done for the customer"], c_note_call_back: ["回访情况", "What the customer said"],
  c_is_upheld: ["是否属实", "Is it upheld?"], c_is_satisfied: ["客户是否满意", "Is the customer satisfied?"],
  yes: ["是", "Yes"], no: ["否", "No"],
  c_unhappy_reopens: ["客户不满意时，投诉将重新打开，重新调查处理。", "If the customer is unhappy, the complaint opens again."],
  c_escalate: ["上报支行", "Escalate to the sub-branch"], c_reason: ["上报原因", "Why"],
  c_need_reason: ["请填写上报原因", "Say why"], c_need_note: ["请填写说明", "Write a note"],
  c_need_answer: ["请选择是或否", "Choose yes or no"], c_done: ["已办理", "Done"],
  c_level_outlet: ["网点台账", "Outlet ledger"], c_level_branch: ["支行台账", "Sub-branch ledger"],
  c_outlet: ["网点", "Outlet"], c_all: ["全部", "All"], c_only_overdue: ["仅看逾期", "Overdue only"],
  ch_hotline: ["热线", "Hotline"], ch_walk_in: ["来访", "Walk-in"], ch_letter: ["来信", "Letter"],
  ch_online: ["网络", "Online"], ch_regulator: ["监管转办", "Regulator referral"],
  cat_attitude: ["服务态度", "Service attitude"], cat_handling: ["业务办理", "Business handling"], cat_waiting: ["等候时间", "Waiting time"],
  cat_fees: ["收费定价", "Fees and charges"], cat_sales: ["产品销售", "Product sales"], cat_facilities: ["设施环境", "Facilities"],
  cat_privacy: ["信息安全", "Information security"], cat_other: ["其他", "Other"],
  sev_general: ["一般", "General"], sev_serious: ["重大", "Serious"],
};

let language = localStorage.getItem("osi-lang") || "zh";

export function t(key, values = {}) {
  const entry = STRINGS[key];
  let text = entry ? entry[language === "en" ? 1 : 0] : key;
  for (const [name, value] of Object.entries(values)) text = text.replace(`%${name}`, value);
  return text;
}

export function label(text) {
  if (!text) return "";
  return (language === "en" ? text.en || text.zh : text.zh || text.en) || "";
}

export function getLanguage() { return language; }

export function toggleLanguage() {
  language = language === "en" ? "zh" : "en";
  localStorage.setItem("osi-lang", language);
  document.documentElement.lang = language === "en" ? "en" : "zh-CN";
}
