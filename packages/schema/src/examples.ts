import type { SuccessEnvelope } from './response.js';

/**
 * The vendor's documented answer to a full pull (`{}`), one day, real figures; the documentation's
 * trailing comma after the last field removed.
 */
export const EXAMPLE_FULL_RESPONSE = {
  ErrorCode: 0,
  ErrorInfo: 'OK',
  Result: [
    {
      APNSMsgNum: '84',
      ActiveUserNum: '2014',
      AppId: '1104620500',
      AppName: 'Real-Time Communication Scenario Trial Edition',
      C2CAPNSMsgNum: '84',
      C2CDownMsgNum: '11040',
      C2CSendMsgUserNum: '9',
      C2CUpMsgNum: '52209',
      CallBackReq: '73069',
      CallBackRsp: '72902',
      ChainDecrease: '16',
      ChainIncrease: '18',
      Company: 'LinYe',
      Date: '20160607',
      DownMsgNum: '11869',
      GroupAPNSMsgNum: '0',
      GroupAllGroupNum: '41913',
      GroupDestroyGroupNum: '35019',
      GroupDownMsgNum: '829',
      GroupJoinGroupTimes: '121438',
      GroupNewGroupNum: '35904',
      GroupQuitGroupTimes: '108292',
      GroupSendMsgGroupNum: '5189',
      GroupSendMsgUserNum: '12',
      GroupUpMsgNum: '8433',
      LoginTimes: '13708',
      LoginUserNum: '2094',
      MaxOnlineNum: '62',
      RegistUserNumOneDay: '1052',
      RegistUserNumTotal: '53091',
      SendMsgUserNum: '19',
      UpMsgNum: '60642',
    },
  ],
} as const satisfies SuccessEnvelope;

/** The vendor's documented answer to `{"RequestField":["ChainIncrease","ChainDecrease"]}`. */
export const EXAMPLE_FILTERED_RESPONSE = {
  ErrorCode: 0,
  ErrorInfo: 'OK',
  Result: [
    { ChainDecrease: '8', ChainIncrease: '8', Date: '20160605' },
    { ChainDecrease: '17', ChainIncrease: '17', Date: '20160604' },
  ],
} as const satisfies SuccessEnvelope;

/** The vendor's documented gateway-level failure. */
export const EXAMPLE_FAILURE_RESPONSE = {
  ActionStatus: 'FAIL',
  ErrorCode: 60002,
  ErrorInfo: 'HTTP parse Error',
} as const;
