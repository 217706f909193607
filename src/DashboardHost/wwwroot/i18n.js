// UI text in zh-CN (default) and English; pages mark text with data-i18n="key".
const texts = {
  "zh-CN": {
    title: "城市运行一网统管", bigscreen: "一屏统览", console: "运行管理台", mobile: "移动处置",
    login: "登录", logout: "退出", username: "用户名", password: "密码", loginFailed: "用户名或密码错误",
    regions: "行政区划", districts: "区", streets: "街道", communities: "社区", signedInAs: "当前用户",
    roles: "角色", scope: "管辖范围", department: "部门", language: "English",
    deviceLookup: "设备查询", deviceId: "设备编号", query: "查询", online: "在线", offline: "离线",
    lastSeen: "最后上报", values: "最新数据", notFound: "未找到该设备", forbidden: "该设备不在您的管辖范围内",
    mapOf: "城市网格图", loading: "加载中…",
  },
  en: {
    title: "City Operations", bigscreen: "Situation", console: "Console", mobile: "Mobile",
    login: "Sign in", logout: "Sign out", username: "Username", password: "Password", loginFailed: "Unknown user or wrong password",
    regions: "Regions", districts: "Districts", streets: "Streets", communities: "Communities", signedInAs: "Signed in as",
    roles: "Roles", scope: "Scope", department: "Department", language: "中文",
    deviceLookup: "Device lookup", deviceId: "Device ID", query: "Look up", online: "Online", offline: "Offline",
    lastSeen: "Last seen", values: "Latest values", notFound: "No such device", forbidden: "This device is outside your regions",
    mapOf: "City grid map", loading: "Loading…",
  },
};

export function lang() {
  return localStorage.getItem("lang") === "en" ? "en" : "zh-CN";
}

export function t(key) {
  return texts[lang()][key] ?? key;
}

export function applyTexts(root = document) {
  document.documentElement.lang = lang();
  root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
}

export function toggleLanguage() {
  localStorage.setItem("lang", lang() === "en" ? "zh-CN" : "en");
  applyTexts();
}
