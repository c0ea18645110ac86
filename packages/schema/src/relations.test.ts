import { describe, expect, it } from 'vitest';
import { EXAMPLE_FULL_RESPONSE } from './examples.js';
import { checkCarryOvers, checkDay, DAY_RELATIONS } from './relations.js';

const day = EXAMPLE_FULL_RESPONSE.Result[0];

describe('relations', () => {
  it('hold in the vendor’s documented example', () => {
    expect(checkDay(day)).toEqual([]);
  });

  it('report each broken one-day relation with its figures', () => {
    const broken = {
      ...day,
      UpMsgNum: '1',
      CallBackRsp: '99999999',
      SendMsgUserNum: '22',
      MaxOnlineNum: '3000',
    };
    const details = checkDay(broken).map((v) => v.detail);
    expect(details).toEqual([
      'UpMsgNum (1) != C2CUpMsgNum + GroupUpMsgNum (52209 + 8433 = 60642)',
      'SendMsgUserNum (22) outside [max(C2CSendMsgUserNum, GroupSendMsgUserNum), sum] = [12, 21]',
      'CallBackRsp (99999999) > CallBackReq (73069)',
      'MaxOnlineNum (3000) > LoginUserNum (2094)',
    ]);
    expect(checkDay({ ...day, SendMsgUserNum: '11' })).toHaveLength(1);
  });

  it('skip relations whose fields a filtered pull lacks', () => {
    expect(checkDay({ Date: '20160607', UpMsgNum: '5', C2CUpMsgNum: '9' })).toEqual([]);
  });

  it('check carry-overs between consecutive days, newest first', () => {
    const older = { Date: '20160606', RegistUserNumTotal: '100', GroupAllGroupNum: '50' };
    const newer = {
      Date: '20160607',
      RegistUserNumTotal: '110',
      RegistUserNumOneDay: '10',
      GroupAllGroupNum: '52',
      GroupNewGroupNum: '5',
      GroupDestroyGroupNum: '3',
    };
    expect(checkCarryOvers([newer, older])).toEqual([]);
    const v = checkCarryOvers([{ ...newer, GroupAllGroupNum: '60' }, older]);
    expect(v.map((x) => (x.relation.kind === 'carry' ? x.relation.total : x.relation.kind))).toEqual([
      'GroupAllGroupNum',
    ]);
    expect(v[0]?.date).toBe('20160607');
  });

  it('cover every sum the reference documents', () => {
    expect(DAY_RELATIONS.filter((r) => r.kind === 'sum').map((r) => r.total)).toEqual([
      'UpMsgNum',
      'DownMsgNum',
      'APNSMsgNum',
    ]);
  });
});
