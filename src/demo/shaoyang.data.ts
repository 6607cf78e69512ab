/**
 * Demo data set for Shaoyang (邵阳市), Hunan.
 *
 * Region codes are the real GB/T 2260 division codes. Institution names are plausible demo data
 * modelled on Shaoyang's municipal bodies, hospitals and schools; every figure (headcount, floor
 * area, canteen / fleet flags) and every credit code is synthetic and must not be read as fact.
 */
import { makeCreditCode } from '../modules/registry/credit-code';

export interface DemoRegion {
  code: string;
  name: string;
  nameZh: string;
  level: 'PROVINCE' | 'CITY' | 'COUNTY';
  parentCode: string | null;
}

export const DEMO_REGIONS: DemoRegion[] = [
  { code: '430000', name: 'Hunan Province', nameZh: '湖南省', level: 'PROVINCE', parentCode: null },
  { code: '430500', name: 'Shaoyang City', nameZh: '邵阳市', level: 'CITY', parentCode: '430000' },
  { code: '430502', name: 'Shuangqing District', nameZh: '双清区', level: 'COUNTY', parentCode: '430500' },
  { code: '430503', name: 'Daxiang District', nameZh: '大祥区', level: 'COUNTY', parentCode: '430500' },
  { code: '430511', name: 'Beita District', nameZh: '北塔区', level: 'COUNTY', parentCode: '430500' },
  { code: '430522', name: 'Xinshao County', nameZh: '新邵县', level: 'COUNTY', parentCode: '430500' },
  { code: '430523', name: 'Shaoyang County', nameZh: '邵阳县', level: 'COUNTY', parentCode: '430500' },
  { code: '430524', name: 'Longhui County', nameZh: '隆回县', level: 'COUNTY', parentCode: '430500' },
  { code: '430525', name: 'Dongkou County', nameZh: '洞口县', level: 'COUNTY', parentCode: '430500' },
  { code: '430527', name: 'Suining County', nameZh: '绥宁县', level: 'COUNTY', parentCode: '430500' },
  { code: '430528', name: 'Xinning County', nameZh: '新宁县', level: 'COUNTY', parentCode: '430500' },
  { code: '430529', name: 'Chengbu Miao Autonomous County', nameZh: '城步苗族自治县', level: 'COUNTY', parentCode: '430500' },
  { code: '430581', name: 'Wugang City', nameZh: '武冈市', level: 'COUNTY', parentCode: '430500' },
  { code: '430582', name: 'Shaodong City', nameZh: '邵东市', level: 'COUNTY', parentCode: '430500' },
];

export interface DemoAgency {
  code: string;
  name: string;
  nameZh: string;
}

export const DEMO_AGENCIES: DemoAgency[] = [
  { code: 'GOA', name: 'Shaoyang Government Offices Administration', nameZh: '邵阳市机关事务管理局' },
  { code: 'DRC', name: 'Shaoyang Development and Reform Commission', nameZh: '邵阳市发展和改革委员会' },
  { code: 'FINANCE', name: 'Shaoyang Finance Bureau', nameZh: '邵阳市财政局' },
  { code: 'WATER', name: 'Shaoyang Water Resources Bureau', nameZh: '邵阳市水利局' },
  { code: 'HOUSING', name: 'Shaoyang Housing and Urban-Rural Development Bureau', nameZh: '邵阳市住房和城乡建设局' },
  { code: 'PUBLIC', name: 'Public', nameZh: '公众' },
];

export type DemoCategory = 'GOVERNMENT_OFFICE' | 'HOSPITAL' | 'SCHOOL' | 'OTHER_PUBLIC';

export interface DemoInstitution {
  key: string;
  name: string;
  nameZh: string;
  category: DemoCategory;
  regionCode: string;
  inMunicipalAppraisal: boolean;
  headcount: number;
  floorAreaM2: number;
  hasCanteen: boolean;
  hasFleet: boolean;
  creditCode: string;
}

/** [key, nameZh, name, headcount, floorAreaM2, hasCanteen, hasFleet] */
type DepartmentRow = [string, string, string, number, number, boolean, boolean];

/** [key, nameZh, name, regionCode, headcount, floorAreaM2, hasCanteen, hasFleet] */
type SiteRow = [string, string, string, string, number, number, boolean, boolean];

const SHAOYANG = '430500';

// The 87 municipal departments covered by the municipal energy appraisal.
const DEPARTMENTS: DepartmentRow[] = [
  // Party organs
  ['party-office', '中共邵阳市委办公室', 'General Office of the CPC Shaoyang Municipal Committee', 160, 11_800, true, true],
  ['discipline', '中共邵阳市纪律检查委员会', 'Shaoyang Municipal Commission for Discipline Inspection', 210, 14_500, true, true],
  ['org-dept', '中共邵阳市委组织部', 'Organisation Department of the CPC Shaoyang Municipal Committee', 95, 5_600, false, true],
  ['publicity', '中共邵阳市委宣传部', 'Publicity Department of the CPC Shaoyang Municipal Committee', 70, 4_200, false, false],
  ['united-front', '中共邵阳市委统一战线工作部', 'United Front Work Department of the CPC Shaoyang Municipal Committee', 55, 3_300, false, false],
  ['pol-legal', '中共邵阳市委政法委员会', 'Political and Legal Affairs Commission of the CPC Shaoyang Municipal Committee', 65, 3_900, false, true],
  ['policy-research', '中共邵阳市委政策研究室', 'Policy Research Office of the CPC Shaoyang Municipal Committee', 28, 1_700, false, false],
  ['establishment', '中共邵阳市委机构编制委员会办公室', 'Shaoyang Institutional Establishment Commission Office', 32, 1_900, false, false],
  ['cyberspace', '中共邵阳市委网络安全和信息化委员会办公室', 'Shaoyang Cyberspace Affairs Office', 36, 2_300, false, false],
  ['inspection', '中共邵阳市委巡察工作领导小组办公室', 'Shaoyang Municipal Inspection Office', 40, 2_400, false, false],
  ['veteran-cadres', '中共邵阳市委老干部局', 'Shaoyang Veteran Cadres Bureau', 45, 6_800, true, true],
  ['party-school', '中共邵阳市委党校', 'Party School of the CPC Shaoyang Municipal Committee', 150, 24_000, true, true],
  ['party-history', '中共邵阳市委党史研究室', 'Shaoyang Party History Research Office', 22, 1_500, false, false],
  ['organs-committee', '中共邵阳市直属机关工作委员会', 'Work Committee for Shaoyang Municipal Government Organs', 26, 1_600, false, false],
  // People's Congress and CPPCC
  ['npc-office', '邵阳市人大常委会办公室', "General Office of the Standing Committee of the Shaoyang Municipal People's Congress", 120, 9_500, true, true],
  ['cppcc-office', '政协邵阳市委员会办公室', 'General Office of the Shaoyang Municipal Committee of the CPPCC', 95, 7_800, true, true],
  // Municipal government
  ['gov-office', '邵阳市人民政府办公室', "General Office of the Shaoyang Municipal People's Government", 180, 13_500, true, true],
  ['drc', '邵阳市发展和改革委员会', 'Shaoyang Development and Reform Commission', 110, 6_900, true, true],
  ['education', '邵阳市教育局', 'Shaoyang Education Bureau', 120, 7_200, false, true],
  ['science-tech', '邵阳市科学技术局', 'Shaoyang Science and Technology Bureau', 48, 2_900, false, false],
  ['industry-it', '邵阳市工业和信息化局', 'Shaoyang Industry and Information Technology Bureau', 75, 4_500, false, true],
  ['ethnic-religious', '邵阳市民族宗教事务委员会', 'Shaoyang Ethnic and Religious Affairs Commission', 30, 1_800, false, false],
  ['public-security', '邵阳市公安局', 'Shaoyang Public Security Bureau', 400, 25_000, true, true],
  ['civil-affairs', '邵阳市民政局', 'Shaoyang Civil Affairs Bureau', 70, 4_300, false, true],
  ['justice', '邵阳市司法局', 'Shaoyang Justice Bureau', 85, 5_100, false, true],
  ['finance', '邵阳市财政局', 'Shaoyang Finance Bureau', 150, 9_800, true, true],
  ['hrss', '邵阳市人力资源和社会保障局', 'Shaoyang Human Resources and Social Security Bureau', 130, 8_400, true, true],
  ['natural-resources', '邵阳市自然资源和规划局', 'Shaoyang Natural Resources and Planning Bureau', 170, 11_200, true, true],
  ['ecology-env', '邵阳市生态环境局', 'Shaoyang Ecology and Environment Bureau', 115, 7_400, false, true],
  ['housing', '邵阳市住房和城乡建设局', 'Shaoyang Housing and Urban-Rural Development Bureau', 125, 8_100, true, true],
  ['transport', '邵阳市交通运输局', 'Shaoyang Transport Bureau', 105, 6_600, false, true],
  ['water', '邵阳市水利局', 'Shaoyang Water Resources Bureau', 90, 5_800, false, true],
  ['agriculture', '邵阳市农业农村局', 'Shaoyang Agriculture and Rural Affairs Bureau', 140, 9_100, true, true],
  ['commerce', '邵阳市商务局', 'Shaoyang Commerce Bureau', 60, 3_600, false, false],
  ['culture-tourism', '邵阳市文化旅游广电体育局', 'Shaoyang Culture, Tourism, Radio, Television and Sports Bureau', 95, 6_200, false, true],
  ['health', '邵阳市卫生健康委员会', 'Shaoyang Health Commission', 110, 7_000, false, true],
  ['veterans', '邵阳市退役军人事务局', 'Shaoyang Veterans Affairs Bureau', 50, 3_000, false, false],
  ['emergency', '邵阳市应急管理局', 'Shaoyang Emergency Management Bureau', 80, 5_200, false, true],
  ['sasac', '邵阳市人民政府国有资产监督管理委员会', 'Shaoyang State-owned Assets Supervision and Administration Commission', 45, 2_700, false, false],
  ['audit', '邵阳市审计局', 'Shaoyang Audit Bureau', 75, 4_600, false, true],
  ['market-regulation', '邵阳市市场监督管理局', 'Shaoyang Market Regulation Administration', 230, 15_000, true, true],
  ['statistics', '邵阳市统计局', 'Shaoyang Statistics Bureau', 55, 3_400, false, false],
  ['medical-insurance', '邵阳市医疗保障局', 'Shaoyang Healthcare Security Administration', 60, 3_700, false, false],
  ['forestry', '邵阳市林业局', 'Shaoyang Forestry Bureau', 85, 5_300, false, true],
  ['urban-management', '邵阳市城市管理和综合执法局', 'Shaoyang Urban Management and Comprehensive Law Enforcement Bureau', 260, 12_500, true, true],
  ['petitions', '邵阳市信访局', 'Shaoyang Letters and Visits Bureau', 45, 2_600, false, false],
  ['rural-revitalisation', '邵阳市乡村振兴局', 'Shaoyang Rural Revitalisation Bureau', 40, 2_500, false, false],
  ['goa', '邵阳市机关事务管理局', 'Shaoyang Government Offices Administration', 95, 6_400, true, true],
  ['foreign-affairs', '邵阳市人民政府外事办公室', "Foreign Affairs Office of the Shaoyang Municipal People's Government", 24, 1_500, false, false],
  ['gov-research', '邵阳市人民政府研究室', "Research Office of the Shaoyang Municipal People's Government", 25, 1_550, false, false],
  ['gov-services', '邵阳市政务服务中心', 'Shaoyang Government Services Centre', 190, 18_500, true, false],
  ['local-finance-reg', '邵阳市地方金融监督管理局', 'Shaoyang Local Financial Regulatory Bureau', 30, 1_850, false, false],
  ['civil-air-defence', '邵阳市人民防空办公室', 'Shaoyang Civil Air Defence Office', 42, 2_800, false, false],
  ['investment', '邵阳市投资促进事务中心', 'Shaoyang Investment Promotion Centre', 38, 2_300, false, false],
  ['public-resources', '邵阳市公共资源交易中心', 'Shaoyang Public Resources Trading Centre', 55, 4_800, false, false],
  ['provident-fund', '邵阳市住房公积金管理中心', 'Shaoyang Housing Provident Fund Management Centre', 110, 6_700, false, true],
  ['real-estate-reg', '邵阳市不动产登记中心', 'Shaoyang Real Estate Registration Centre', 90, 6_000, false, false],
  ['social-insurance', '邵阳市社会保险服务中心', 'Shaoyang Social Insurance Service Centre', 120, 7_600, false, false],
  ['employment', '邵阳市就业服务中心', 'Shaoyang Employment Service Centre', 50, 3_500, false, false],
  ['road-transport', '邵阳市道路运输服务中心', 'Shaoyang Road Transport Service Centre', 85, 5_000, false, true],
  ['highway', '邵阳市公路建设养护中心', 'Shaoyang Highway Construction and Maintenance Centre', 160, 9_000, true, true],
  ['housing-security', '邵阳市住房保障服务中心', 'Shaoyang Housing Security Service Centre', 45, 2_700, false, false],
  ['etdz', '邵阳经济技术开发区管理委员会', 'Shaoyang Economic and Technological Development Zone Administrative Committee', 210, 13_000, true, true],
  // Courts and procuratorate
  ['court', '邵阳市中级人民法院', "Shaoyang Intermediate People's Court", 320, 22_000, true, true],
  ['procuratorate', '邵阳市人民检察院', "Shaoyang People's Procuratorate", 220, 16_000, true, true],
  // Mass organisations
  ['trade-unions', '邵阳市总工会', 'Shaoyang Federation of Trade Unions', 60, 5_500, false, false],
  ['youth-league', '共青团邵阳市委', 'Shaoyang Committee of the Communist Youth League', 22, 1_500, false, false],
  ['womens-federation', '邵阳市妇女联合会', "Shaoyang Women's Federation", 25, 1_600, false, false],
  ['science-association', '邵阳市科学技术协会', 'Shaoyang Association for Science and Technology', 28, 2_100, false, false],
  ['arts-federation', '邵阳市文学艺术界联合会', 'Shaoyang Federation of Literary and Art Circles', 20, 1_500, false, false],
  ['social-sciences', '邵阳市社会科学界联合会', 'Shaoyang Federation of Social Sciences', 20, 1_500, false, false],
  ['industry-commerce-fed', '邵阳市工商业联合会', 'Shaoyang Federation of Industry and Commerce', 30, 1_900, false, false],
  ['disabled-federation', '邵阳市残疾人联合会', "Shaoyang Disabled Persons' Federation", 40, 3_800, false, false],
  ['red-cross', '邵阳市红十字会', 'Shaoyang Red Cross Society', 20, 1_500, false, false],
  ['overseas-chinese', '邵阳市归国华侨联合会', 'Shaoyang Federation of Returned Overseas Chinese', 20, 1_500, false, false],
  ['supply-marketing', '邵阳市供销合作社', 'Shaoyang Supply and Marketing Cooperative', 50, 4_400, false, false],
  // Public service units under municipal administration
  ['archives', '邵阳市档案馆', 'Shaoyang Archives', 45, 9_500, false, false],
  ['meteorology', '邵阳市气象局', 'Shaoyang Meteorological Bureau', 85, 6_300, true, true],
  ['cdc', '邵阳市疾病预防控制中心', 'Shaoyang Center for Disease Control and Prevention', 180, 14_000, true, true],
  ['library', '邵阳市图书馆', 'Shaoyang Library', 70, 16_000, false, false],
  ['museum', '邵阳市博物馆', 'Shaoyang Museum', 60, 12_000, false, false],
  ['radio-tv', '邵阳广播电视台', 'Shaoyang Radio and Television', 260, 15_500, true, true],
  ['daily', '邵阳日报社', 'Shaoyang Daily', 200, 12_000, true, true],
  ['agri-academy', '邵阳市农业科学研究院', 'Shaoyang Academy of Agricultural Sciences', 110, 8_800, true, true],
  ['relief-station', '邵阳市救助管理站', 'Shaoyang Relief Management Station', 35, 4_200, true, true],
  ['welfare-home', '邵阳市社会福利院', 'Shaoyang Social Welfare Institute', 90, 11_000, true, true],
  ['testing', '邵阳市检验检测中心', 'Shaoyang Inspection and Testing Centre', 100, 8_500, false, false],
];

// The four hospitals named in the case; they are not part of the municipal appraisal.
const HOSPITALS: SiteRow[] = [
  ['hosp-longhui', '隆回县人民医院', "Longhui County People's Hospital", '430524', 1_650, 98_000, true, true],
  ['hosp-xinning', '新宁县人民医院', "Xinning County People's Hospital", '430528', 1_100, 62_000, true, true],
  ['hosp-sy-no2', '邵阳市第二人民医院', "Shaoyang No. 2 People's Hospital", SHAOYANG, 1_900, 115_000, true, true],
  ['hosp-dongkou-tcm', '洞口县中医院', 'Dongkou County Hospital of Traditional Chinese Medicine', '430525', 850, 43_000, true, true],
];

// Headcount for schools counts staff and students.
const SCHOOLS: SiteRow[] = [
  ['school-no1', '邵阳市第一中学', 'Shaoyang No. 1 High School', SHAOYANG, 4_200, 95_000, true, false],
  ['school-no2', '邵阳市第二中学', 'Shaoyang No. 2 High School', SHAOYANG, 3_800, 82_000, true, false],
  ['school-longhui-no1', '隆回县第一中学', 'Longhui County No. 1 High School', '430524', 5_100, 110_000, true, true],
  ['school-wugang-no1', '武冈市第一中学', 'Wugang No. 1 High School', '430581', 4_600, 98_000, true, false],
  ['univ-shaoyang', '邵阳学院', 'Shaoyang University', SHAOYANG, 19_500, 380_000, true, true],
];

// Credit codes are synthetic: '11' (government organ) or '12' (public institution), the region's
// division code, and the position in DEMO_INSTITUTIONS as serial so that every code is distinct.
/**
 * Longhui hospital's new wing, in use from 2023: its floor area is in the profiles from then on, and
 * its energy in the hospital's meters (at the hospital's own use per m²), so the contract's
 * non-routine event adjusts the baseline for energy the readings really carry.
 */
export const LONGHUI_WING = { institution: 'hosp-longhui', from: '2023-01-01', areaM2: 12_000 } as const;

export const DEMO_INSTITUTIONS: DemoInstitution[] = [
  ...DEPARTMENTS.map(([key, nameZh, name, headcount, floorAreaM2, hasCanteen, hasFleet]) => ({
    key,
    name,
    nameZh,
    category: 'GOVERNMENT_OFFICE' as const,
    regionCode: SHAOYANG,
    inMunicipalAppraisal: true,
    headcount,
    floorAreaM2,
    hasCanteen,
    hasFleet,
  })),
  ...HOSPITALS.map(([key, nameZh, name, regionCode, headcount, floorAreaM2, hasCanteen, hasFleet]) => ({
    key,
    name,
    nameZh,
    category: 'HOSPITAL' as const,
    regionCode,
    inMunicipalAppraisal: false,
    headcount,
    floorAreaM2,
    hasCanteen,
    hasFleet,
  })),
  ...SCHOOLS.map(([key, nameZh, name, regionCode, headcount, floorAreaM2, hasCanteen, hasFleet]) => ({
    key,
    name,
    nameZh,
    category: 'SCHOOL' as const,
    regionCode,
    inMunicipalAppraisal: false,
    headcount,
    floorAreaM2,
    hasCanteen,
    hasFleet,
  })),
].map((institution, index) => ({
  ...institution,
  creditCode: makeCreditCode(
    institution.category === 'GOVERNMENT_OFFICE' ? '11' : '12',
    institution.regionCode,
    index,
  ),
}));
