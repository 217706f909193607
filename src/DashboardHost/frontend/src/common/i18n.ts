// UI text in zh-CN (default) and English; markup names its text with data-i18n="key".
const zh = {
  title: "城市运行一网统管", bigscreen: "一屏统览", console: "运行管理台", mobile: "移动处置",
  login: "登录", logout: "退出", username: "用户名", password: "密码", loginFailed: "用户名或密码错误",
  language: "English", loading: "加载中…", none: "暂无", all: "全部", close: "关闭", save: "保存", cancel: "取消",
  live: "实时", reconnecting: "重连中", offlineFeed: "离线（轮询）",
  devicesOnline: "设备在线", devices: "设备", alarms: "告警", openEvents: "在办事件", overdue: "超期", cells: "网格",
  onlineRate: "在线率", closureRate: "结案率", onTimeHandling: "按期处置率", registrationRate: "立案率", reworkRate: "返工率",
  onTimeDispatch: "按时派遣率", dispatchAccuracy: "派遣准确率",
  trend: "运行趋势", alarmTicker: "实时告警", eventList: "在办事件", countdown: "剩余", overdueBy: "超期",
  videoChannels: "视频通道", detections: "AI 识别", latestSnapshot: "最新抓拍", stream: "视频流", scene: "场景", noSnapshot: "暂无抓拍",
  map: "城市一张图", legend: "图例", deviceDetail: "设备详情", cellDetail: "网格详情", history: "历史曲线", metric: "指标",
  online: "在线", offline: "离线", lastSeen: "最后上报", values: "最新数据", commands: "下发指令", send: "下发",
  commandSent: "指令已下发", notFound: "未找到", forbidden: "不在您的管辖范围内", failed: "操作失败",
  setLight: "照明", lightOn: "开灯", level: "亮度", broadcast: "广播", text: "内容", cameraPreset: "预置位",
  eventsByCategory: "事件分类", stageTime: "各环节平均用时（分钟）",
  search: "搜索", status: "状态", region: "区域", department: "部门", category: "类别", urgency: "紧急程度",
  overdueOnly: "仅超期", refresh: "刷新", newReport: "新建上报", submit: "提交", description: "描述", address: "地址",
  longitude: "经度", latitude: "纬度", id: "编号", reportedAt: "上报时间", deadline: "时限", assignee: "处置人",
  channel: "来源", stage: "环节", escalation: "督办", reports: "上报次数", timeline: "处置过程", audit: "审计链",
  auditValid: "审计链校验通过", auditInvalid: "审计链校验失败", reason: "理由", primaryEvent: "主案件编号",
  assignNearest: "指派最近的在岗人员", attachments: "附件照片", actions: "可执行操作", awaitingApproval: "已提交，待值班员审批",
  pendingSuspension: "待审批挂账", reported: "已上报", eventCreated: "已创建事件", merged: "已合并到", selectEvent: "选择左侧事件查看详情",
  unavailable: "该功能暂不可用", actor: "操作人", results: "条",
  myQueue: "我的待办", onDuty: "在岗", offDuty: "离岗", goOnDuty: "上岗", goOffDuty: "下岗", noLocation: "无法获取位置",
  accept: "接单", handle: "处置反馈", photo: "现场照片", uploading: "上传中…", done: "已完成", deviceLookup: "设备查询", query: "查询",
  deviceId: "设备编号", nothingToDo: "暂无待办",
  userAdmin: "用户管理", newUser: "新建用户", displayName: "姓名", roles: "角色", regions: "管辖区域", accountState: "账号状态",
  lastSignIn: "最近登录", selectUser: "选择左侧用户查看和修改", disabled: "已停用", locked: "已锁定", initialPassword: "初始密码（需重置）",
  active: "正常", adminsOnly: "仅系统管理员可管理用户", saved: "已保存", newPassword: "新密码", resetPassword: "重置密码",
  passwordReset: "密码已重置，该用户的登录已全部失效", enable: "启用", disable: "停用", activeSessions: "在线会话", profile: "角色与区域",
  adminAudit: "管理审计（本月）",
  passwordRules: "至少 10 位，包含大写、小写、数字、符号中的至少三类，不含用户名，不得使用常见密码",
  // The big screen's map tools, history, replay and alerts.
  range: "时段", heat: "热力", off: "关", replay: "回放", play: "播放", pause: "暂停", backToLive: "返回实时",
  modules: "模块", casesOpened: "新增事件", noHistory: "无历史数据", noHistoryYet: "历史数据积累中", acknowledge: "确认", acknowledgedBy: "已确认", criticalCase: "紧急警情",
};

type Texts = Record<keyof typeof zh, string>;

const en: Texts = {
  title: "City Operations", bigscreen: "Situation", console: "Console", mobile: "Field",
  login: "Sign in", logout: "Sign out", username: "Username", password: "Password", loginFailed: "Unknown user or wrong password",
  language: "中文", loading: "Loading…", none: "None", all: "All", close: "Close", save: "Save", cancel: "Cancel",
  live: "Live", reconnecting: "Reconnecting", offlineFeed: "Offline (polling)",
  devicesOnline: "Devices online", devices: "Devices", alarms: "Alarms", openEvents: "Open events", overdue: "Overdue", cells: "Cells",
  onlineRate: "Online", closureRate: "Closure", onTimeHandling: "On-time handling", registrationRate: "Registration", reworkRate: "Rework",
  onTimeDispatch: "On-time dispatch", dispatchAccuracy: "Dispatch accuracy",
  trend: "Trend", alarmTicker: "Live alarms", eventList: "Open events", countdown: "Left", overdueBy: "Overdue",
  videoChannels: "Video channels", detections: "AI detections", latestSnapshot: "Latest snapshot", stream: "Stream", scene: "Scene", noSnapshot: "No snapshot",
  map: "City map", legend: "Legend", deviceDetail: "Device", cellDetail: "Grid cell", history: "History", metric: "Metric",
  online: "Online", offline: "Offline", lastSeen: "Last seen", values: "Latest values", commands: "Commands", send: "Send",
  commandSent: "Command sent", notFound: "Not found", forbidden: "Outside your regions", failed: "Failed",
  setLight: "Light", lightOn: "On", level: "Level", broadcast: "Broadcast", text: "Text", cameraPreset: "Preset",
  eventsByCategory: "Events by category", stageTime: "Mean time per stage (minutes)",
  search: "Search", status: "Status", region: "Region", department: "Department", category: "Category", urgency: "Urgency",
  overdueOnly: "Overdue only", refresh: "Refresh", newReport: "New report", submit: "Submit", description: "Description", address: "Address",
  longitude: "Longitude", latitude: "Latitude", id: "ID", reportedAt: "Reported", deadline: "Deadline", assignee: "Assignee",
  channel: "Channel", stage: "Stage", escalation: "Escalation", reports: "Reports", timeline: "Timeline", audit: "Audit trail",
  auditValid: "Audit trail verified", auditInvalid: "Audit trail verification failed", reason: "Reason", primaryEvent: "Primary case",
  assignNearest: "Assign the nearest on-duty responder", attachments: "Photos", actions: "Actions", awaitingApproval: "Submitted; awaiting an operator's approval",
  pendingSuspension: "Suspension awaiting approval", reported: "Reported", eventCreated: "Event created", merged: "Merged into", selectEvent: "Select an event to see its details",
  unavailable: "Not available yet", actor: "By", results: "results",
  myQueue: "My queue", onDuty: "On duty", offDuty: "Off duty", goOnDuty: "Go on duty", goOffDuty: "Go off duty", noLocation: "Location unavailable",
  accept: "Accept", handle: "Report handled", photo: "Site photo", uploading: "Uploading…", done: "Done", deviceLookup: "Device lookup", query: "Look up",
  deviceId: "Device ID", nothingToDo: "Nothing to do",
  userAdmin: "Users", newUser: "New user", displayName: "Name", roles: "Role", regions: "Regions", accountState: "State",
  lastSignIn: "Last sign-in", selectUser: "Select a user to see and change them", disabled: "Disabled", locked: "Locked", initialPassword: "Initial password (reset it)",
  active: "Active", adminsOnly: "Only administrators manage users", saved: "Saved", newPassword: "New password", resetPassword: "Reset password",
  passwordReset: "Password reset; every session of this user has ended", enable: "Enable", disable: "Disable", activeSessions: "Sessions", profile: "Role and regions",
  adminAudit: "Administration audit (this month)",
  passwordRules: "At least 10 characters, three of upper case, lower case, digits and symbols, not the username, not a common password",
  range: "Range", heat: "Heat", off: "off", replay: "Replay", play: "Play", pause: "Pause", backToLive: "Back to live",
  modules: "Modules", casesOpened: "New cases", noHistory: "No history", noHistoryYet: "History is being recorded", acknowledge: "Acknowledge", acknowledgedBy: "Acknowledged by", criticalCase: "Critical case",
};

export type TextKey = keyof typeof zh;

// Names of the domain's enums; the API sends them as camelCase strings.
const zhNames: Record<string, string> = {
  "health.normal": "正常", "health.attention": "关注", "health.warning": "预警", "health.critical": "严重",
  "urgency.normal": "一般", "urgency.urgent": "紧急", "urgency.emergency": "特急",
  "state.reported": "上报", "state.registered": "立案", "state.rejected": "不予立案", "state.dispatched": "派遣",
  "state.accepted": "接单", "state.returned": "退回", "state.handled": "处置反馈", "state.verified": "核查通过",
  "state.closed": "结案", "state.suspended": "挂账", "state.merged": "已合并",
  "escalation.none": "无", "escalation.dispatcher": "调度督办", "escalation.departmentHead": "部门督办", "escalation.commandCentre": "指挥中心督办",
  "action.register": "立案", "action.reject": "不予立案", "action.dispatch": "派遣", "action.accept": "接单", "action.return": "退回",
  "action.handle": "处置反馈", "action.verify": "核查通过", "action.rework": "返工", "action.close": "结案", "action.suspend": "挂账",
  "action.resume": "恢复", "action.reopen": "重新打开", "action.merge": "合并", "action.report": "上报", "action.approveSuspension": "批准挂账",
  "severity.minor": "一般", "severity.major": "重要", "severity.critical": "紧急",
  "kind.smartPole": "智慧灯杆", "kind.camera": "视频监控", "kind.waterLevel": "积水监测", "kind.manhole": "智能井盖", "kind.gas": "燃气监测",
  "kind.airQuality": "空气质量", "kind.noise": "噪声监测", "kind.rainGauge": "雨量计", "kind.hydrant": "消火栓", "kind.nvr": "录像机 (GB/T 28181)",
  "module.lighting": "照明", "module.environment": "环境监测", "module.camera": "摄像头", "module.broadcast": "广播",
  "module.display": "信息屏", "module.sos": "一键报警", "module.evCharger": "充电桩", "module.wifi5g": "5G/Wi-Fi",
  "outcome.raised": "已告警", "outcome.belowThreshold": "低于阈值", "outcome.repeated": "窗口内重复",
  "mark.normal": "设备正常", "mark.offline": "设备离线", "mark.minor": "一般告警", "mark.major": "重要告警", "mark.critical": "紧急告警",
  "level.city": "市", "level.district": "区", "level.street": "街道", "level.community": "社区", "level.cell": "单元网格",
  "metric.waterLevelCm": "水位(cm)", "metric.rainMm": "雨量(mm)", "metric.gasLel": "燃气(%LEL)", "metric.tiltDeg": "倾角(°)",
  "metric.pm25": "PM2.5", "metric.pm10": "PM10", "metric.noiseDb": "噪声(dB)", "metric.pressureMpa": "水压(MPa)",
  "metric.temperatureC": "温度(℃)", "metric.humidityPct": "湿度(%)", "metric.battery": "电量(%)", "metric.lightLevel": "亮度", "metric.occupied": "占用",
  "role.admin": "系统管理员", "role.operator": "值班员", "role.dispatcher": "派遣员", "role.responder": "处置人员",
  "adminAction.signIn": "登录", "adminAction.signOut": "退出登录", "adminAction.refreshReused": "刷新令牌重复使用", "adminAction.createUser": "新建用户",
  "adminAction.updateUser": "修改用户", "adminAction.disableUser": "停用用户", "adminAction.enableUser": "启用用户", "adminAction.resetPassword": "重置密码",
};

const enNames: Record<string, string> = {
  "escalation.departmentHead": "Department head", "escalation.commandCentre": "Command centre",
  "action.approveSuspension": "Approve suspension", "outcome.repeated": "Repeat within window",
  "kind.smartPole": "Smart pole", "kind.waterLevel": "Water level", "kind.airQuality": "Air quality", "kind.rainGauge": "Rain gauge", "kind.nvr": "Video recorder (GB/T 28181)",
  "metric.waterLevelCm": "Water level (cm)", "metric.rainMm": "Rain (mm)", "metric.gasLel": "Gas (%LEL)", "metric.tiltDeg": "Tilt (°)",
  "metric.noiseDb": "Noise (dB)", "metric.pressureMpa": "Pressure (MPa)", "metric.temperatureC": "Temperature (°C)",
  "metric.humidityPct": "Humidity (%)", "metric.battery": "Battery (%)", "metric.lightLevel": "Light level", "metric.occupied": "Occupied",
  "state.registered": "Registered", "state.rejected": "Rejected", "state.handled": "Handled", "state.merged": "Merged",
  "state.suspended": "Suspended",
};

const listeners: (() => void)[] = [];

export function lang(): "zh-CN" | "en" {
  return localStorage.getItem("lang") === "en" ? "en" : "zh-CN";
}

export function t(key: TextKey): string {
  return (lang() === "en" ? en : zh)[key];
}

/** The label of an enum value, e.g. name("state", "dispatched"); English falls back to the value spelt out. */
export function name(group: string, value: string | null | undefined): string {
  if (value == null || value === "") return "—";
  const key = `${group}.${value}`;
  if (lang() === "en") {
    return enNames[key] ?? value.charAt(0).toUpperCase() + value.slice(1).replace(/([A-Z])/g, " $1").toLowerCase();
  }
  return zhNames[key] ?? value;
}

export function applyTexts(root: ParentNode = document): void {
  document.documentElement.lang = lang();
  root.querySelectorAll<HTMLElement>("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n as TextKey); });
  root.querySelectorAll<HTMLInputElement>("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder as TextKey); });
}

export function onLanguageChange(callback: () => void): void {
  listeners.push(callback);
}

export function toggleLanguage(): void {
  localStorage.setItem("lang", lang() === "en" ? "zh-CN" : "en");
  applyTexts();
  listeners.forEach((l) => l());
}
