// i18n.js — the dashboard's labels in Vietnamese (default) and English, and
// the Vietnamese number format (decimal ',', thousands '.').

export const labels = {
  vi: {
    title: 'Chỉ số phục vụ người dân và doanh nghiệp',
    overview: 'Tổng quan', rankings: 'Xếp hạng', period: 'Kỳ',
    search: 'Tìm đơn vị (tên hoặc mã)', live: 'Trực tiếp', offline: 'Mất kết nối',
    lastChange: 'Thay đổi lúc', target: 'Mục tiêu', change: 'So với kỳ trước',
    received: 'Hồ sơ tiếp nhận', fees: 'Phí, lệ phí', thisMonth: 'tháng này',
    indicator: 'Chỉ số', level: 'Cấp', province: 'Tỉnh, thành phố',
    ministry: 'Bộ, ngành', commune: 'Xã, phường', rank: 'Hạng', unit: 'Đơn vị',
    value: 'Giá trị', met: 'Đạt', notMet: 'Chưa đạt', home: 'Cả nước',
    parts: 'Tử số / mẫu số', periodHint: 'tháng 2025-06, quý 2025Q2, năm 2025',
    months12: '12 tháng', children: 'Xếp hạng xã, phường', heatmap: 'Bản đồ nhiệt: tỉnh × tháng', distribution: 'Phân bố các tỉnh',
    token: 'Máy chủ cần mã truy cập (token)', save: 'Lưu', loading: 'Đang tải…',
    error: 'Lỗi', noData: 'Chưa có dữ liệu', notFound: 'Không tìm thấy trang',
    code: 'Mã', lang: 'English',
  },
  en: {
    title: 'Public service indicators',
    overview: 'Overview', rankings: 'Rankings', period: 'Period',
    search: 'Find a unit (name or code)', live: 'Live', offline: 'Offline',
    lastChange: 'Last change', target: 'Target', change: 'Since the period before',
    received: 'Dossiers received', fees: 'Fees', thisMonth: 'this month',
    indicator: 'Indicator', level: 'Level', province: 'Provinces',
    ministry: 'Ministries', commune: 'Communes', rank: 'Rank', unit: 'Unit',
    value: 'Value', met: 'Met', notMet: 'Not met', home: 'Viet Nam',
    parts: 'Numerator / denominator', periodHint: 'month 2025-06, quarter 2025Q2, year 2025',
    months12: '12 months', children: 'Ranking of communes', heatmap: 'Heatmap: provinces × months', distribution: 'How the provinces spread',
    token: 'This server needs an access token', save: 'Save', loading: 'Loading…',
    error: 'Error', noData: 'No data yet', notFound: 'No such page',
    code: 'Code', lang: 'Tiếng Việt',
  },
};

let lang = localStorage.getItem('chiso.lang') === 'en' ? 'en' : 'vi';

export function getLang() { return lang; }
export function setLang(l) {
  lang = l === 'en' ? 'en' : 'vi';
  localStorage.setItem('chiso.lang', lang);
  document.documentElement.lang = lang;
}
export function t(key) { return labels[lang][key] ?? key; }

// 39.5123 -> "39,51"; 1500 -> "1.500". Vietnamese whatever the UI language,
// as the issue asks.
export function fmtNum(v, decimals = 0) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const neg = v < 0;
  const fixed = Math.abs(v).toFixed(decimals);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return (neg ? '-' : '') + grouped + (frac ? ',' + frac : '');
}

// A value with the indicator's unit: "39,51 %", "2,30 ngày".
export function fmtValue(v, unit) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return fmtNum(v, 2) + (unit ? ' ' + unit : '');
}

// Lower case without diacritics, đ -> d: "Hà Nội" and "ha noi" match.
export function fold(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
}
