import { AppError, type Tenant } from '@kefu/contracts';
import { type Database, isUniqueViolation, newId } from '@kefu/platform';
import { TenantRepository } from './tenant.repository.ts';

export const defaultWelcome = (name: string) =>
  `您好，欢迎光临${name}！请问有什么可以帮您？需要人工客服请回复“转人工”。`;

const nameTaken = (name: string) =>
  new AppError('conflict', 'tenant.name_taken', `A tenant named "${name}" already exists`);

export interface CreateTenantInput {
  name: string;
  /** Name or id of the group this brand belongs to. */
  parent?: string;
  welcomeMessage?: string;
}

export class TenantsService {
  private readonly tenants: TenantRepository;

  constructor(database: Database) {
    this.tenants = new TenantRepository(database.db);
  }

  async create(input: CreateTenantInput): Promise<Tenant> {
    const name = input.name.trim();
    if (!name || name.length > 100) {
      throw new AppError('invalid', 'tenant.invalid_name', 'A tenant name must have 1 to 100 characters');
    }
    if (await this.tenants.byName(name)) throw nameTaken(name);
    let parentId: string | null = null;
    if (input.parent) {
      const parent = await this.find(input.parent);
      if (parent.parentId) {
        throw new AppError(
          'invalid',
          'tenant.nested_group',
          `"${parent.name}" is a brand; a group cannot sit inside a brand`,
        );
      }
      parentId = parent.id;
    }
    const row = {
      id: newId(),
      name,
      parent_id: parentId,
      welcome_message: input.welcomeMessage ?? defaultWelcome(name),
      created_at: Date.now(),
    };
    try {
      await this.tenants.insert(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(name);
      throw err;
    }
    return (await this.tenants.byId(row.id))!;
  }

  /** By id or by exact name, as the CLI's `--tenant` accepts either. */
  async find(idOrName: string): Promise<Tenant> {
    const tenant = (await this.tenants.byId(idOrName)) ?? (await this.tenants.byName(idOrName));
    if (!tenant)
      throw new AppError('not_found', 'tenant.not_found', `No tenant with id or name "${idOrName}"`);
    return tenant;
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.tenants.byId(id);
    if (!tenant) throw new AppError('not_found', 'tenant.not_found', `No tenant ${id}`);
    return tenant;
  }

  brandsOf(id: string): Promise<Tenant[]> {
    return this.tenants.brandsOf(id);
  }

  async isEmpty(): Promise<boolean> {
    return (await this.tenants.count()) === 0;
  }
}
