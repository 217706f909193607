// The phone page's own texts, zh-CN by default with English (the shared ones are in ../common/i18n.ts).
import { lang } from "../common/i18n";

const zh = {
  tabTasks: "我的任务", tabInspect: "待核查", tabDispatch: "调度", tabMe: "我的",
  back: "返回", online: "在线", offline: "离线", pending: "待同步", synced: "已同步", queuedOffline: "已离线保存，联网后自动发送",
  outbox: "待发送的操作", conflict: "未生效", dismiss: "知道了", retry: "重试",
  cachedCopy: "离线：显示上次同步的内容", noTasks: "暂无分配给您的任务", noCases: "暂无案件",
  distance: "距离", fromMe: "距您", unknownPosition: "您的位置未知（上岗并开启位置共享后显示距离）", navigate: "导航前往",
  returnReason: "退回理由（必填）", note: "处置说明", photos: "现场照片", takePhoto: "拍照 / 选择照片",
  submitReturn: "退回", submitHandle: "提交处置反馈", submitVerify: "核查通过", submitRework: "退回返工", reworkReason: "返工理由（必填）",
  verifyNote: "核查说明", register: "立案", close: "结案", dispatchTo: "派遣给", reassignTo: "改派给", dispatchDepartment: "派遣到部门（不指定人员）",
  suggestions: "附近在岗人员（按距离）", nobodyOnDuty: "本部门暂无在岗人员", assignedNow: "当前处置人", positionAt: "位置更新于",
  newReports: "新上报", toDispatch: "待派遣", inProgress: "处置中", toClose: "待结案",
  assignedToYou: "新任务", reassignedAway: "任务已改派给他人", escalated: "督办", updated: "任务有更新",
  shareLocation: "上岗时共享我的位置（用于就近派遣，约每30秒上报一次）", notifications: "允许通知", notificationsOn: "通知已开启",
  notificationsDenied: "浏览器未允许通知", install: "安装到主屏幕", locationReported: "位置已上报",
  conflictReassigned: "案件已改派给他人，您的操作未生效。", conflictState: "案件状态已变化，您的操作未生效。",
  conflictScope: "案件已不在您的处置范围内（可能已改派到其他部门），您的操作未生效。", conflictGone: "案件不存在。",
  conflictPhoto: "照片未被接受：", tooLarge: "照片超过 10 MB，请重新拍摄", reasonRequired: "请填写理由",
  photoCount: "张照片", deadline: "时限", reportedBy: "上报人", timeline: "处置过程",
};

type MobileTexts = Record<keyof typeof zh, string>;

const en: MobileTexts = {
  tabTasks: "My tasks", tabInspect: "To verify", tabDispatch: "Dispatch", tabMe: "Me",
  back: "Back", online: "Online", offline: "Offline", pending: "Pending", synced: "Sent", queuedOffline: "Saved offline; it is sent when the connection returns",
  outbox: "Actions waiting to be sent", conflict: "Not applied", dismiss: "OK", retry: "Retry",
  cachedCopy: "Offline: showing what was last synchronised", noTasks: "No tasks assigned to you", noCases: "No cases",
  distance: "Distance", fromMe: "from you", unknownPosition: "Your position is unknown (go on duty and share your location to see distances)", navigate: "Navigate",
  returnReason: "Reason for returning (required)", note: "What was done", photos: "Site photos", takePhoto: "Take / choose photos",
  submitReturn: "Return", submitHandle: "Report handled", submitVerify: "Verified", submitRework: "Send back for rework", reworkReason: "Why rework (required)",
  verifyNote: "Verification note", register: "Register", close: "Close", dispatchTo: "Dispatch to", reassignTo: "Reassign to", dispatchDepartment: "Dispatch to the department (nobody named)",
  suggestions: "On-duty responders nearby (nearest first)", nobodyOnDuty: "Nobody of the department is on duty", assignedNow: "assigned now", positionAt: "position of",
  newReports: "New reports", toDispatch: "To dispatch", inProgress: "In progress", toClose: "To close",
  assignedToYou: "New task", reassignedAway: "Task reassigned to someone else", escalated: "Escalated (督办)", updated: "Task updated",
  shareLocation: "Share my location while on duty (for nearest dispatch, about every 30 s)", notifications: "Allow notifications", notificationsOn: "Notifications on",
  notificationsDenied: "The browser does not allow notifications", install: "Install on the home screen", locationReported: "Position reported",
  conflictReassigned: "The case was reassigned to someone else meanwhile; your action was not applied.", conflictState: "The case's state changed meanwhile; your action was not applied.",
  conflictScope: "The case is no longer yours to work on (moved to another department?); your action was not applied.", conflictGone: "The case does not exist.",
  conflictPhoto: "The photo was refused: ", tooLarge: "The photo is over 10 MB; take it again", reasonRequired: "Please give a reason",
  photoCount: "photos", deadline: "Deadline", reportedBy: "Reported by", timeline: "Timeline",
};

export type MobileTextKey = keyof typeof zh;

export function mt(key: MobileTextKey): string {
  return (lang() === "en" ? en : zh)[key];
}

/** Fills every element marked data-mt="key" with its text in the current language. */
export function applyMobileTexts(root: ParentNode = document): void {
  root.querySelectorAll<HTMLElement>("[data-mt]").forEach((node) => { node.textContent = mt(node.dataset.mt as MobileTextKey); });
}
