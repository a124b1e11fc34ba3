package synth

// Word lists for names. Cities and countries are invented; the checks in
// synth_test.go make sure none of them is the name of a node in data/.

var surnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
	"余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"石", "廖", "贾", "夏", "韦", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙", "史",
	"陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "武", "戴", "莫", "孔", "向", "汤", "欧阳", "司马", "诸葛",
}

var givenChars = []string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
	"刚", "英", "华", "玉", "萍", "红", "鹏", "辉", "建", "文", "斌", "宇", "浩", "凯", "晨", "欣", "博", "子", "梓", "涵",
	"轩", "思", "雨", "嘉", "怡", "佳", "俊", "泽", "昊", "然", "琳", "晓", "志", "国", "海", "林", "云", "峰", "东", "慧",
}

var citySyllables1 = []string{"澄", "澜", "瑞", "青", "岚", "枫", "柏", "霁", "沅", "泓", "璟", "黛", "栖", "泊", "汀", "芷"}
var citySyllables2 = []string{"溪", "阳", "川", "原", "泽", "陵", "宁", "湖", "浦", "岭", "塘", "渚", "屿", "港", "坪", "桥"}

// provinceName is the fictional province the cities lie in.
const provinceName = "澜江省"

var countryNames = []string{
	"阿斯特里亚", "诺兰迪亚", "卡莫尼亚", "维斯特兰", "奥瑞利亚", "塞伦蒂亚",
	"特拉诺瓦", "艾尔多利亚", "博雷利亚", "卢米纳", "萨尔瓦托利亚", "伊斯帕里亚",
}

var fields = []string{
	"人工智能", "集成电路", "生物医药", "新材料", "新能源", "智能制造", "机械工程", "电子信息", "化学化工", "环境科学",
	"土木建筑", "交通运输", "海洋工程", "农业科学", "食品科学", "医学影像", "药学", "中医药", "物理学", "数学",
	"计算机科学", "通信工程", "自动化", "光电子", "航空航天", "船舶工程", "纺织工程", "冶金", "地质", "测绘",
	"水利", "气象", "能源动力", "核技术", "生态学", "心理学", "管理科学", "科普教育", "仪器仪表", "遥感",
}

var clusterThemes = []string{
	"新型电力装备", "工程机械", "物联网", "高端纺织", "前沿新材料", "生物医药", "纳米新材料", "高端装备",
	"集成电路", "信息通信", "新能源汽车", "汽车零部件", "节能环保", "绿色食品", "海工装备", "新型显示",
}

var chainSegments = []string{"上游材料", "核心部件", "整机制造", "系统集成", "应用服务"}

var brandWords = []string{
	"瑞丰", "华创", "中科", "恒信", "博远", "新拓", "金源", "天合", "汇智", "远航", "鼎盛", "卓越", "宏达", "聚能",
	"星辰", "云图", "智芯", "安泰", "润泽", "凯瑞", "启明", "海纳", "正弘", "易联", "思源", "同创", "锐进", "光合",
}

var industryWords = []string{"智能", "电子", "生物", "新材料", "能源", "信息", "精密", "环保", "医疗", "装备", "软件", "光电"}

var enterpriseCategories = []string{"高新技术企业", "科技型中小企业", "专精特新中小企业", "专精特新“小巨人”企业", "规上工业企业"}

var titles = []string{"教授", "研究员", "高级工程师", "正高级工程师", "副教授", "副研究员", "工程师", "主任医师"}

// parkTypes pairs a park's name ending with its parkType.
var parkTypes = []struct{ suffix, typ string }{
	{"高新技术产业开发区", "HIGH_TECH_ZONE"}, {"经济技术开发区", "ECONOMIC_DEVELOPMENT_ZONE"}, {"科技产业园", "OTHER"},
}

var institutionTypes = []struct{ suffix, typ string }{
	{"研究院", "RESEARCH_INSTITUTE"}, {"产业创新中心", "INNOVATION_CENTER"}, {"科技大学", "UNIVERSITY"},
	{"发展研究中心", "THINK_TANK"}, {"科技馆", "VENUE"},
}

var stationTypes = []struct{ suffix, typ string }{
	{"海智工作基地", "OVERSEAS_BASE"}, {"海外联络站", "LIAISON_STATION"}, {"离岸创新中心", "OFFSHORE_INNOVATION_CENTER"},
}

// programTypes pairs a program's name ending with its kind; awards are
// what AWARDED points to, the others what PARTICIPATES_IN points to.
var programTypes = []struct{ suffix, kind string }{
	{"青年人才托举计划", "PROGRAM"}, {"创新争先奖", "AWARD"}, {"学术年会", "EVENT"}, {"创新创业大赛", "COMPETITION"},
	{"协同创新平台", "PLATFORM"}, {"科技服务行动", "PROGRAM"}, {"高峰论坛", "EVENT"},
}

var memberRoles = []string{"会员", "理事", "常务理事", "副理事长"}
var affiliationRoles = []string{"研究员", "工程师", "总工程师", "首席科学家", "技术总监", "教授"}
var serviceChannels = []string{"万名专家进万企", "科技服务团", "产学研合作", "科技副总"}
