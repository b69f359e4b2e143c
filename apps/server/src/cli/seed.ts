import type { Tenant } from '@kefu/contracts';
import type { Services } from '../services.ts';

export const DEMO_TENANT = 'Kefu 演示旗舰店';
export const DEMO_ADMIN = {
  email: 'admin@demo.kefu',
  password: 'kefu-demo-2026',
  name: '演示管理员',
} as const;
export const DEMO_AGENT = { email: 'agent@demo.kefu', password: 'kefu-demo-2026', name: '小K' } as const;

/** Creates the demo shop with an owner and an agent; does nothing if it exists. */
export async function seedDemo(services: Services): Promise<{ tenant: Tenant; created: boolean }> {
  const existing = await services.tenants.find(DEMO_TENANT).catch(() => undefined);
  if (existing) return { tenant: existing, created: false };
  const tenant = await services.tenants.create({
    name: DEMO_TENANT,
    welcomeMessage:
      '亲，欢迎光临Kefu演示旗舰店～我是智能客服小K，查订单、问物流、退换货都可以直接问我哦！需要人工请回复“转人工”。',
  });
  await services.users.create(tenant.id, null, { ...DEMO_ADMIN, role: 'owner' });
  await services.users.create(tenant.id, null, { ...DEMO_AGENT, role: 'agent' });
  return { tenant, created: true };
}
